using Rebel.Models.Chat;

namespace Rebel.Models.Tests.Chat;

/// <summary>Constructs outside the subset, syntax errors and runtime type errors: each is a ChatTemplateException
/// naming the template, line and column and the construct, and nothing is rendered.</summary>
public class JinjaErrorTests
{
    private static ChatTemplateException Fails(string template, params ChatMessage[] messages)
    {
        return Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template, "t.jinja").Render(messages, addGenerationPrompt: true))!;
    }

    [TestCase("{% macro m() %}x{% endmacro %}", "'{% macro %}' is not supported (Rebel's chat templates allow if, for, set, break, continue)", 1, 4)]
    [TestCase("ok\n{% include 'other.jinja' %}", "'{% include %}' is not supported (Rebel's chat templates allow if, for, set, break, continue)", 2, 4)]
    [TestCase("{% raw %}{{ x }}{% endraw %}", "'{% raw %}' is not supported (Rebel's chat templates allow if, for, set, break, continue)", 1, 4)]
    [TestCase("{% call foo() %}{% endcall %}", "'{% call %}' is not supported (Rebel's chat templates allow if, for, set, break, continue)", 1, 4)]
    [TestCase("{% frobnicate %}", "unknown tag '{% frobnicate %}'", 1, 4)]
    [TestCase("a\n  {{ x | wordwrap }}", "filter 'wordwrap' is not supported", 2, 10)]
    [TestCase("{{ 1 is prime }}", "test 'prime' is not supported", 1, 9)]
    [TestCase("{% if true %}no end", "'{% if %}' is never closed with '{% endif %}'", 1, 1)]
    [TestCase("{% for x in y %}no end", "'{% for %}' is never closed with '{% endfor %}'", 1, 1)]
    [TestCase("x{% endif %}", "'{% endif %}' without a matching opening tag", 1, 5)]
    [TestCase("{{ 1 + }}", "expected an expression, found '}}'", 1, 8)]
    [TestCase("{{ 'open", "string literal is never closed", 1, 4)]
    [TestCase("{{ x ", "expression '{{' is never closed with '}}'", 1, 1)]
    [TestCase("{# never closed", "comment '{#' is never closed with '#}'", 1, 1)]
    [TestCase("{% set x %}body{% endset %}", "block assignment '{% set x %}...{% endset %}' is not supported", 1, 10)]
    [TestCase("{% break %}", "'{% break %}' outside a for loop", 1, 4)]
    [TestCase("{% for x in [1] recursive %}{% endfor %}", "recursive loops are not supported", 1, 17)]
    [TestCase("{{ f(*args) }}", "'*args' and '**kwargs' in calls are not supported", 1, 6)]
    [TestCase("{{ a $ b }}", "unexpected character '$' in a tag", 1, 6)]
    public void Parse_UnsupportedOrMalformed_ThrowsWithLocation(string template, string problem, int line, int column)
    {
        var ex = Assert.Throws<ChatTemplateException>(() => ChatTemplate.Parse(template, "t.jinja"))!;
        Assert.That(ex.Problem, Is.EqualTo(problem));
        Assert.That((ex.Line, ex.Column), Is.EqualTo((line, column)));
        Assert.That(ex.Message, Is.EqualTo($"t.jinja:{line}:{column}: {problem}"));
    }

    [TestCase("{{ foo.bar }}", "'foo' is undefined (reading its attribute 'bar')")]
    [TestCase("{{ 'a' + 1 }}", "unsupported operand types for +: 'str' and 'int'")]
    [TestCase("{{ 1 / 0 }}", "division by zero")]
    [TestCase("{{ 'a' < 1 }}", "'<' not supported between 'str' and 'int'")]
    [TestCase("{{ messages.append(1) }}", "'append' would modify a list; chat templates cannot modify lists or dicts (use namespace())")]
    [TestCase("{{ 'x'.strip }}", "method 'strip' of a 'str' must be called: 'strip(...)'")]
    [TestCase("{{ strftime_now('%d') }}", "'strftime_now' is undefined (it cannot be called; Rebel's chat templates define raise_exception, namespace, range and dict)")]
    [TestCase("{% set s = 'x' %}{% set s.a = 1 %}", "cannot assign attribute 'a' on a 'str' (only a namespace() allows it)")]
    [TestCase("{% for a, b in [1] %}{% endfor %}", "cannot unpack a 'int' into 2 names")]
    [TestCase("{{ 1 | trim(1, 2) }}", "filter 'trim' takes at most 1 positional argument, got 2")]
    [TestCase("{{ {'a': 1} | tojson(ensure_ascii=true) }}", "filter 'tojson': ensure_ascii=True is not supported")]
    [TestCase("{{ 5 in 5 }}", "'in' needs a string, list or dict on its right (and a string on its left for a string), got 'int' in 'int'")]
    [TestCase("{{ raise_exception('Only user and assistant roles are supported!') }}", "raise_exception: Only user and assistant roles are supported!")]
    public void Render_RuntimeError_ThrowsNamingTheConstruct(string template, string problem)
    {
        var ex = Fails(template, ChatMessage.User("hi"));
        Assert.That(ex.Problem, Is.EqualTo(problem));
        Assert.That(ex.Message, Does.StartWith("t.jinja:1:"));
    }

    [Test]
    public void Render_ErrorLocation_PointsAtTheFaultyCall()
    {
        var ex = Fails("{% for m in messages %}\n  {% if m.role == 'system' %}\n    {{ raise_exception('no system') }}\n  {% endif %}\n{% endfor %}",
            ChatMessage.System("s"));
        Assert.That((ex.Line, ex.Column), Is.EqualTo((3, 8)));
    }

    [Test]
    public void Render_RunawayLoop_Stops()
    {
        var ex = Fails("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(2) %}{% endfor %}{% endfor %}{% endfor %}");
        Assert.That(ex.Problem, Does.StartWith("more than 1000000 loop iterations"));
    }
}

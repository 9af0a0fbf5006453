namespace Rebel.Models.Chat;

/// <summary>A chat template cannot be parsed or rendered: a syntax error, a construct outside the supported Jinja
/// subset, a type error, or the template's own <c>raise_exception(...)</c>. The message names the template and the
/// 1-based line and column, e.g. <c>tokenizer_config.json#chat_template:3:12: filter 'wordwrap' is not supported</c>.
/// A template that throws renders nothing: there is never a partial or guessed prompt.</summary>
public sealed class ChatTemplateException : RebelException
{
    public ChatTemplateException(string templateName, int line, int column, string problem, Exception? inner = null)
        : base($"{templateName}:{line}:{column}: {problem}", inner)
    {
        TemplateName = templateName;
        Line = line;
        Column = column;
        Problem = problem;
    }

    /// <summary>The template's name: the file it came from and which template in it.</summary>
    public string TemplateName { get; }

    /// <summary>1-based line of the construct at fault.</summary>
    public int Line { get; }

    /// <summary>1-based column of the construct at fault.</summary>
    public int Column { get; }

    /// <summary>What is wrong, without the location.</summary>
    public string Problem { get; }
}

using Rebel.Models.Chat.Jinja;
using Rebel.Models.Tokenization;

namespace Rebel.Models.Chat;

/// <summary>
/// A model's chat template (Jinja, as in <c>tokenizer_config.json</c>), parsed once and rendered for conversations
/// exactly as Hugging Face's <c>apply_chat_template</c> renders it. The template sees <c>messages</c> (role and
/// content of each), <c>add_generation_prompt</c>, <c>tools</c> and <c>documents</c> (none), the named tokens
/// (<c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c>, <c>pad_token</c>) and the caller's extra variables.
/// </summary>
/// <remarks>
/// The interpreter implements the subset of Jinja real chat templates use (see docs/tokenizer.md); anything else is a
/// <see cref="ChatTemplateException"/> naming the construct, the template and the line and column, raised when the
/// template is parsed (syntax, tags) or rendered (filters, tests, methods, types). It never guesses a prompt.
/// Rendering tracks which characters came from message content (<see cref="RenderSegments"/>), so that
/// <see cref="Encode"/> can keep content as plain text: a message cannot forge special tokens and inject turns.
/// </remarks>
public sealed class ChatTemplate
{
    private readonly JinjaSource _source;
    private readonly IReadOnlyList<JinjaNode> _body;
    private readonly Lazy<string?> _endOfTurn;

    private ChatTemplate(string source, string name, ChatTemplateTokens tokens)
    {
        _source = new JinjaSource(name, source);
        _body = JinjaParser.Parse(_source);
        Tokens = tokens;
        _endOfTurn = new Lazy<string?>(FindEndOfTurn);
    }

    /// <summary>Parses <paramref name="source"/>; <paramref name="name"/> names it in error messages.</summary>
    /// <exception cref="ChatTemplateException">A syntax error or a tag outside the supported subset.</exception>
    public static ChatTemplate Parse(string source, string name = "chat_template", ChatTemplateTokens? tokens = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentException.ThrowIfNullOrEmpty(name);
        return new ChatTemplate(source, name, tokens ?? ChatTemplateTokens.None);
    }

    /// <summary>Loads the chat template of the tokenizer folder <paramref name="directory"/>: <c>chat_template.jinja</c>
    /// if present, else <c>chat_template</c> of <c>tokenizer_config.json</c> (a list of named templates gives the one
    /// named <paramref name="templateName"/>). Tokens come from <c>tokenizer_config.json</c>.</summary>
    /// <exception cref="Rebel.Models.Data.DataFormatException">The config is malformed or has no such template.</exception>
    /// <exception cref="ChatTemplateException">The template does not parse.</exception>
    public static ChatTemplate Load(string directory, string templateName = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (source, name, tokens) = ChatTemplateConfig.ReadDirectory(directory, templateName);
        return new ChatTemplate(source, name, tokens);
    }

    /// <summary>Loads the template named <paramref name="templateName"/> from one <c>tokenizer_config.json</c> file.</summary>
    public static ChatTemplate FromTokenizerConfig(string configPath, string templateName = "default")
    {
        ArgumentException.ThrowIfNullOrEmpty(configPath);
        var (source, name, tokens) = ChatTemplateConfig.ReadConfig(configPath, templateName);
        return new ChatTemplate(source, name, tokens);
    }

    /// <summary>The template's name in error messages (its file and key).</summary>
    public string Name => _source.Name;

    /// <summary>The template text.</summary>
    public string Source => _source.Text;

    /// <summary>The tokens it is rendered with.</summary>
    public ChatTemplateTokens Tokens { get; }

    /// <summary>
    /// The special token that ends an assistant turn (<c>&lt;|eot_id|&gt;</c>, <c>&lt;|im_end|&gt;</c>,
    /// <c>&lt;end_of_turn&gt;</c>, <c>&lt;/s&gt;</c>, …): generation stops on it, and a completion scored as the
    /// assistant turn ends with it. Found by rendering a one-exchange conversation and taking the longest special
    /// token that starts the template text right after the assistant's content; when none does (or the probe
    /// cannot be rendered), the EOS token. Null when there is neither.
    /// </summary>
    public string? EndOfTurnToken => _endOfTurn.Value;

    /// <summary>Renders <paramref name="messages"/> to the prompt string.</summary>
    /// <param name="messages">The conversation, in order.</param>
    /// <param name="addGenerationPrompt">Append the header that opens an assistant turn (for sampling).</param>
    /// <param name="variables">Extra template variables (e.g. <c>enable_thinking</c>): null, bool, integers,
    /// floating point, strings (treated as content), lists, string-keyed dictionaries, or JSON elements.</param>
    /// <exception cref="ChatTemplateException">The template raised an exception or used an unsupported construct.</exception>
    public string Render(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables = null) =>
        RenderJinja(messages, addGenerationPrompt, variables).Text;

    /// <summary>Renders like <see cref="Render"/>, split into template text and message content, in order; adjacent
    /// characters of the same kind form one segment, and an empty render has no segments.</summary>
    public IReadOnlyList<ChatSegment> RenderSegments(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        IReadOnlyDictionary<string, object?>? variables = null) =>
        ToSegments(RenderJinja(messages, addGenerationPrompt, variables));

    /// <summary>
    /// Renders and turns the result into ids with <paramref name="tokenizer"/>, as Hugging Face's
    /// <c>apply_chat_template(tokenize=True)</c> does (no BOS/EOS added beyond the template's own), except that
    /// message content is always plain text: special-token text is recognised in template text only.
    /// </summary>
    public int[] Encode(ITokenizer tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        IReadOnlyDictionary<string, object?>? variables = null)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return ChatSegmentEncoder.Encode(tokenizer, RenderSegments(messages, addGenerationPrompt, variables));
    }

    private JinjaString RenderJinja(IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt, IReadOnlyDictionary<string, object?>? variables)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var context = new Dictionary<string, object?>(StringComparer.Ordinal)
        {
            ["messages"] = new JinjaList(messages.Select(m => (object?)ToJinja(m)).ToList()),
            ["add_generation_prompt"] = addGenerationPrompt,
            ["tools"] = null,
            ["documents"] = null,
        };
        foreach (var (key, value) in new[] { ("bos_token", Tokens.Bos), ("eos_token", Tokens.Eos), ("unk_token", Tokens.Unk), ("pad_token", Tokens.Pad) })
            if (value is not null) context[key] = JinjaString.Plain(value);
        if (variables is not null)
            foreach (var (key, value) in variables) context[key] = ChatVariableConverter.ToJinja(key, value);
        return JinjaInterpreter.Render(_source, _body, context);
    }

    private static JinjaDict ToJinja(ChatMessage m)
    {
        ArgumentNullException.ThrowIfNull(m);
        var d = new JinjaDict();
        d.Set(JinjaString.Plain("role"), JinjaString.Plain(m.Role));
        d.Set(JinjaString.Plain("content"), JinjaString.Content(m.Content));
        return d;
    }

    private static List<ChatSegment> ToSegments(JinjaString rendered)
    {
        var segments = new List<ChatSegment>();
        int at = 0;
        foreach (var (start, end) in rendered.ContentRanges)
        {
            if (start > at) segments.Add(new ChatSegment(rendered.Text[at..start], ChatSegmentKind.Template));
            segments.Add(new ChatSegment(rendered.Text[start..end], ChatSegmentKind.Content));
            at = end;
        }
        if (at < rendered.Length) segments.Add(new ChatSegment(rendered.Text[at..], ChatSegmentKind.Template));
        return segments;
    }

    private string? FindEndOfTurn()
    {
        const string reply = "Rebel end-of-turn probe";
        var special = Tokens.AllSpecial;
        foreach (var probe in new[]
                 {
                     new[] { ChatMessage.User("Hi"), ChatMessage.Assistant(reply) },
                     new[] { ChatMessage.System("Be brief."), ChatMessage.User("Hi"), ChatMessage.Assistant(reply) },
                 })
        {
            List<ChatSegment> segments;
            try
            {
                segments = ToSegments(RenderJinja(probe, addGenerationPrompt: false, variables: null));
            }
            catch (ChatTemplateException)
            {
                continue;
            }
            int last = segments.FindLastIndex(s => s.IsContent && s.Text.Contains(reply, StringComparison.Ordinal));
            if (last < 0) continue;
            var after = last + 1 < segments.Count ? segments[last + 1].Text : "";
            var token = special.Where(t => after.StartsWith(t, StringComparison.Ordinal)).MaxBy(t => t.Length);
            if (token is not null) return token;
            break;
        }
        return Tokens.Eos;
    }
}

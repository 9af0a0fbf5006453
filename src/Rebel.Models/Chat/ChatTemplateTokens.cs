namespace Rebel.Models.Chat;

/// <summary>The tokens a chat template is rendered with, as <c>tokenizer_config.json</c> names them. The named ones
/// become the template variables <c>bos_token</c>, <c>eos_token</c>, <c>unk_token</c> and <c>pad_token</c> (a null one is
/// left undefined, as transformers does). <see cref="Special"/> lists every special token's text (the named ones
/// included); it is where the end-of-turn token is looked for.</summary>
public sealed record ChatTemplateTokens
{
    /// <summary>No tokens at all.</summary>
    public static readonly ChatTemplateTokens None = new();

    /// <summary>Beginning-of-sequence token text (<c>&lt;|begin_of_text|&gt;</c>, <c>&lt;bos&gt;</c>, <c>&lt;s&gt;</c>), or null.</summary>
    public string? Bos { get; init; }

    /// <summary>End-of-sequence token text, or null.</summary>
    public string? Eos { get; init; }

    /// <summary>Unknown-token text, or null.</summary>
    public string? Unk { get; init; }

    /// <summary>Padding token text, or null.</summary>
    public string? Pad { get; init; }

    /// <summary>Texts of all special tokens (empty: only the named ones are known).</summary>
    public IReadOnlyList<string> Special { get; init; } = [];

    /// <summary>The special tokens' texts, the named ones included, without duplicates.</summary>
    public IReadOnlyList<string> AllSpecial =>
        Special.Concat(new[] { Bos, Eos, Unk, Pad }.OfType<string>()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal).ToList();
}

namespace Rebel.Models.Tokenization;

/// <summary>
/// A token matched whole in text before the model sees it (Hugging Face's <c>added_tokens</c>).
/// <paramref name="Special"/> ones (<c>&lt;|im_start|&gt;</c>, <c>&lt;s&gt;</c>) stop being matched when special tokens are
/// disallowed and are dropped by <c>skipSpecialTokens</c>; the others (Qwen's <c>&lt;tool_call&gt;</c>) are always matched.
/// </summary>
/// <param name="Content">The text it stands for.</param>
/// <param name="Id">Its id.</param>
/// <param name="Special">Whether it is a special token.</param>
public sealed record AddedToken(string Content, int Id, bool Special);

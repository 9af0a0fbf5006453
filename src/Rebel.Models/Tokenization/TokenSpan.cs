namespace Rebel.Models.Tokenization;

/// <summary>One token of an encoded text and the span of the text it came from (UTF-16 offsets, end exclusive).</summary>
/// <param name="Id">The token id.</param>
/// <param name="Start">First character of the span.</param>
/// <param name="End">One past the last character; equal to <paramref name="Start"/> for a token that covers no character.</param>
public readonly record struct TokenSpan(int Id, int Start, int End);

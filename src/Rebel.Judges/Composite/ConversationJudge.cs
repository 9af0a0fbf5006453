using Rebel.Models.Chat;
using Rebel.Preference;

namespace Rebel.Judges.Composite;

/// <summary>
/// Lets a judge see conversations: each comparison whose prompt text was rendered from a conversation is passed to the
/// inner judge with that conversation's <see cref="Comparison.Messages"/>; plain-text prompts pass unchanged. The
/// trainer, tournaments and evaluations build comparisons from the prompt text the policies read, so this is where the
/// messages come back (from the renderer that produced the text: <c>IPromptRenderer.ConversationOf</c>).
/// </summary>
/// <remarks>Verdicts, failures and position bias are the inner judge's; so is <see cref="Id"/>, since the messages are
/// a function of the text. The wrapper does not own the inner judge: disposing it leaves the inner one open.</remarks>
/// <param name="inner">The judge asked.</param>
/// <param name="conversationOf">The conversation rendered to a prompt text, or null for plain text.</param>
public sealed class ConversationJudge(IPairwiseJudge inner, Func<string, IReadOnlyList<ChatMessage>?> conversationOf) : IPairwiseJudge
{
    private readonly IPairwiseJudge _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    private readonly Func<string, IReadOnlyList<ChatMessage>?> _conversationOf = conversationOf ?? throw new ArgumentNullException(nameof(conversationOf));

    /// <inheritdoc/>
    public string Id => _inner.Id;

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var withMessages = comparisons
            .Select(c => c.Messages is null && _conversationOf(c.Prompt) is { } messages ? c with { Messages = messages } : c)
            .ToList();
        return _inner.JudgeAsync(withMessages, cancellationToken);
    }

    /// <summary>Leaves the inner judge open (its owner disposes it).</summary>
    public void Dispose() => GC.SuppressFinalize(this);
}

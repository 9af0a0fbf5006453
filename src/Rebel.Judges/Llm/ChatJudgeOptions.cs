namespace Rebel.Judges.Llm;

/// <summary>
/// How <see cref="ChatClientJudge"/> asks a chat model for a verdict: the A/B template, sampling, concurrency, time limits
/// and retries. Immutable; <see cref="Validate"/> checks them together. <see cref="OpenAIJudgeOptions"/> adds the server's
/// address and key.
/// </summary>
public record ChatJudgeOptions
{
    /// <summary>
    /// The default prompt template. It labels the completions A and B and asks for exactly one letter. Placeholders:
    /// <c>{prompt}</c>, <c>{a}</c> (the completion shown first, labelled A) and <c>{b}</c> (shown second, labelled B).
    /// </summary>
    public const string DefaultTemplate = """
        You are judging two responses to the same prompt. Decide which response is better: more helpful, more correct and clearer.

        [Prompt]
        {prompt}

        [Response A]
        {a}

        [Response B]
        {b}

        Answer with exactly one letter: A if Response A is better, B if Response B is better.
        """;

    /// <summary>
    /// The default question after a conversation. When the prompt was a conversation, its messages are sent first, as
    /// they are (system, user and assistant turns), and then this as one user message. Placeholders: <c>{a}</c>,
    /// <c>{b}</c>, and <c>{prompt}</c> (the conversation as the policy read it, rendered with its chat template).
    /// </summary>
    public const string DefaultConversationTemplate = """
        You are judging two responses to the conversation above: each would be the assistant's next turn. Decide which response is better: more helpful, more correct and clearer.

        [Response A]
        {a}

        [Response B]
        {b}

        Answer with exactly one letter: A if Response A is better, B if Response B is better.
        """;

    /// <summary>The prompt template; must contain <c>{a}</c> and <c>{b}</c>. Default <see cref="DefaultTemplate"/>.</summary>
    public string Template { get; init; } = DefaultTemplate;

    /// <summary>The question sent after a conversation's messages (see <see cref="DefaultConversationTemplate"/>); must
    /// contain <c>{a}</c> and <c>{b}</c>. Default <see cref="DefaultConversationTemplate"/>.</summary>
    public string ConversationTemplate { get; init; } = DefaultConversationTemplate;

    /// <summary>Most requests in flight at once (per judge). Default 8.</summary>
    public int MaxConcurrency { get; init; } = 8;

    /// <summary>Time allowed for one attempt (one request to the chat client). Default 60 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Retries after a failed attempt (HTTP 408, 429, 5xx, network errors, timeouts; never other failures). Default 4.</summary>
    public int MaxRetries { get; init; } = 4;

    /// <summary>First retry delay; it doubles on every further retry (exponential backoff with jitter). Default 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Ask for log-probabilities and, when the server returns them, answer softly (see <see cref="ChatClientJudge"/>). Default true.</summary>
    public bool UseLogProbabilities { get; init; } = true;

    /// <summary>How many alternatives per token to request with <see cref="UseLogProbabilities"/>. Default 5 (1 to 20).</summary>
    public int TopLogProbabilities { get; init; } = 5;

    /// <summary>The most tokens the model may answer with. Default 3 (a letter and some punctuation).</summary>
    public int MaxOutputTokens { get; init; } = 3;

    /// <summary>Sampling temperature sent to the server. Default 0 (greedy).</summary>
    public float Temperature { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public ChatJudgeOptions Validate()
    {
        if (Template is null || !Template.Contains("{a}", StringComparison.Ordinal) || !Template.Contains("{b}", StringComparison.Ordinal))
            throw new ArgumentException("the template must contain the placeholders {a} and {b}", nameof(Template));
        if (ConversationTemplate is null || !ConversationTemplate.Contains("{a}", StringComparison.Ordinal) || !ConversationTemplate.Contains("{b}", StringComparison.Ordinal))
            throw new ArgumentException("the conversation template must contain the placeholders {a} and {b}", nameof(ConversationTemplate));
        if (MaxConcurrency < 1) throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "must be at least 1");
        if (Timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(Timeout), Timeout, "must be positive");
        if (MaxRetries < 0) throw new ArgumentOutOfRangeException(nameof(MaxRetries), MaxRetries, "must be at least 0");
        if (RetryBaseDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(RetryBaseDelay), RetryBaseDelay, "must not be negative");
        if (TopLogProbabilities is < 1 or > 20) throw new ArgumentOutOfRangeException(nameof(TopLogProbabilities), TopLogProbabilities, "must be between 1 and 20");
        if (MaxOutputTokens < 1) throw new ArgumentOutOfRangeException(nameof(MaxOutputTokens), MaxOutputTokens, "must be at least 1");
        if (!(Temperature >= 0f && Temperature <= 2f)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "must be between 0 and 2");
        return this;
    }
}

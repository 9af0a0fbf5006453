using System.ClientModel;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.AI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Rebel.Preference;
using AIChatMessage = Microsoft.Extensions.AI.ChatMessage;

namespace Rebel.Judges.Llm;

/// <summary>
/// LLM-as-a-judge through any <see cref="IChatClient"/> (Microsoft.Extensions.AI): an OpenAI-compatible server, Ollama,
/// Azure, or a client of your own. The template shows the prompt and both completions labelled A and B and asks for
/// exactly one letter. <see cref="OpenAIJudge"/> (spec <c>openai:MODEL@URL</c>) is this judge over OpenAI's client.
/// </summary>
/// <remarks>
/// <para><b>One question.</b> q = P(the model answers "A"). When the client is OpenAI's and the server returns
/// log-probabilities: at the verdict token (the first answer token that reads as A or B), q = m_A / (m_A + m_B), where
/// m_X sums exp(logprob) over the top alternatives that read as X; otherwise q = 1 for "A" and 0 for "B". Any other
/// answer raises <see cref="JudgeException"/> quoting it.</para>
/// <para><b>Position bias.</b> Every pair is asked in both orders, q₁ with (A, B) = (a, b) and q₂ with (A, B) = (b, a),
/// and P(a ≻ b) = ½ (q₁ + 1 − q₂). A model that always picks the first position gets ½.</para>
/// <para><b>Reliability.</b> At most <see cref="ChatJudgeOptions.MaxConcurrency"/> requests in flight; each attempt
/// limited to <see cref="ChatJudgeOptions.Timeout"/>; HTTP 408/429/5xx, network errors and timeouts retried up to
/// <see cref="ChatJudgeOptions.MaxRetries"/> times with exponential backoff (a Polly 8 resilience pipeline). Any other
/// failure raises at once. A failure is never turned into ½.</para>
/// </remarks>
public sealed class ChatClientJudge : IPairwiseJudge
{
    private static readonly Regex Placeholder = new(@"\{(prompt|a|b)\}", RegexOptions.CultureInvariant);
    private readonly IChatClient _client;
    private readonly bool _ownsClient;
    private readonly ChatOptions _request;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _slots;
    private long _requests;
    private long _retries;

    /// <summary>
    /// Judges with <paramref name="client"/>. <paramref name="id"/> identifies the judge in caches and resumed runs; by
    /// default <c>chat:</c> and the client's provider and model (from its <see cref="ChatClientMetadata"/>), so give
    /// one that names the model whenever the client does not.
    /// </summary>
    /// <param name="client">The chat model; disposed with the judge when <paramref name="ownsClient"/>.</param>
    /// <param name="options">The judging settings (validated).</param>
    /// <param name="id">The judge's id, or null for the default.</param>
    /// <param name="ownsClient">Whether <see cref="Dispose"/> disposes <paramref name="client"/>.</param>
    public ChatClientJudge(IChatClient client, ChatJudgeOptions options, string? id = null, bool ownsClient = true)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _ownsClient = ownsClient;
        _request = new ChatOptions { Temperature = options.Temperature, MaxOutputTokens = options.MaxOutputTokens };
        if (options.UseLogProbabilities)
        {
            // Read by OpenAI's adapter only; other clients ignore it and answer hard.
            _request.RawRepresentationFactory = _ => new ChatCompletionOptions
            {
                IncludeLogProbabilities = true,
                TopLogProbabilityCount = options.TopLogProbabilities,
            };
        }
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        var pipeline = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
                MaxRetryAttempts = options.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryBaseDelay,
                UseJitter = true,
                OnRetry = _ =>
                {
                    Interlocked.Increment(ref _retries);
                    return default;
                },
            });
        }
        _pipeline = pipeline.AddTimeout(options.Timeout).Build();
        Id = id ?? DefaultId(client, options);
    }

    /// <summary>The validated settings.</summary>
    public ChatJudgeOptions Options { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <summary>Requests made so far (first tries and retries).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Retries made so far.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Added to the message of a failure with HTTP status 401 (e.g. why no key was sent).</summary>
    internal string? UnauthorizedHint { get; init; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        var tasks = new Task<Verdict>[comparisons.Count];
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        for (int i = 0; i < tasks.Length; i++) tasks[i] = JudgeOne(i, comparisons[i], failed);
        try
        {
            return await Task.WhenAll(tasks).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // Another item failed and cancelled the rest: report that failure, not the cancellations.
            throw tasks.Select(t => t.Exception?.InnerException).OfType<JudgeException>().First();
        }
    }

    private async Task<Verdict> JudgeOne(int index, Comparison comparison, CancellationTokenSource batch)
    {
        try
        {
            var asGiven = AskAsync(index, comparison, comparison.A, comparison.B, batch.Token);
            var swapped = AskAsync(index, comparison, comparison.B, comparison.A, batch.Token);
            var (q1, raw1) = await asGiven.ConfigureAwait(false);
            var (q2, raw2) = await swapped.ConfigureAwait(false);
            // P(a ≻ b) = ½ (q₁ + 1 − q₂)
            double p = Math.Clamp(0.5 * (q1 + 1.0 - q2), 0.0, 1.0);
            return new Verdict(p, rawAnswer: $"{raw1} | {raw2}", rationale: $"P(A) as given {q1:0.###}, swapped {q2:0.###}");
        }
        catch (JudgeException)
        {
            await batch.CancelAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Asks one question with <paramref name="first"/> labelled A; returns q = P(answer A) and the raw text.</summary>
    private async Task<(double Q, string Raw)> AskAsync(int index, Comparison comparison, string first, string second, CancellationToken cancellationToken)
    {
        var messages = Messages(comparison, first, second);
        ChatResponse response;
        try
        {
            response = await _pipeline.ExecuteAsync(async token =>
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    Interlocked.Increment(ref _requests);
                    return await _client.GetResponseAsync(messages, _request, token).ConfigureAwait(false);
                }
                finally
                {
                    _slots.Release();
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (TooLarge(e) is { } tooLarge)
        {
            throw new JudgeException(Id, index, comparison, tooLarge.Message, e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new JudgeException(Id, index, comparison, $"no answer within {Options.Timeout.TotalSeconds:0.###} s, {Options.MaxRetries + 1} attempts", e);
        }
        catch (Exception e) when (e is not JudgeException)
        {
            throw new JudgeException(Id, index, comparison, Describe(e), e);
        }

        var answer = response.Text;
        var letter = LetterAnswer.Parse(answer)
            ?? throw new JudgeException(Id, index, comparison, $"expected exactly one letter, A or B, but the model answered \"{JudgeException.Excerpt(answer, 120)}\"");
        var logProbabilities = (response.RawRepresentation as ChatCompletion)?.ContentTokenLogProbabilities;
        double q = SoftProbability(logProbabilities) ?? (letter == 'A' ? 1.0 : 0.0);
        return (q, answer.Trim());
    }

    /// <summary>
    /// What is sent for one question: for a plain-text prompt one user message, the template filled in; for a conversation
    /// its messages as they are, then one user message, the conversation template filled in.
    /// </summary>
    internal List<AIChatMessage> Messages(Comparison comparison, string first, string second)
    {
        var template = comparison.Messages is null ? Options.Template : Options.ConversationTemplate;
        var text = Placeholder.Replace(template, m => m.Groups[1].Value switch
        {
            "prompt" => comparison.Prompt,
            "a" => first,
            _ => second,
        });
        var messages = new List<AIChatMessage>();
        foreach (var m in comparison.Messages ?? [])
            messages.Add(new AIChatMessage(m.Role switch { "system" => ChatRole.System, "assistant" => ChatRole.Assistant, _ => ChatRole.User }, m.Content));
        messages.Add(new AIChatMessage(ChatRole.User, text));
        return messages;
    }

    /// <summary>One line saying why a request failed, with its HTTP status when there is one.</summary>
    private string Describe(Exception e)
    {
        int? status = Status(e);
        if (status is null && e is not HttpRequestException)
            return $"the server's answer could not be read ({e.GetType().Name}: {JudgeException.Excerpt(UrlCredentials.Redact(e.Message), 200)})";
        string attempts = IsTransient(e) ? $"{Options.MaxRetries + 1} attempts" : "1 attempt (not retried)";
        string what = status switch
        {
            null or 0 => "no HTTP response",
            { } code => $"HTTP {code}",
        };
        string hint = status == 401 && UnauthorizedHint is { } h ? $" ({h})" : "";
        return $"the server failed ({what}) after {attempts}{hint}: {JudgeException.Excerpt(UrlCredentials.Redact(e.Message), 200)}";
    }

    /// <summary>The HTTP status of a failed request, when the exception carries one (0: no response).</summary>
    private static int? Status(Exception e) => e switch
    {
        ClientResultException c => c.Status,
        HttpRequestException { StatusCode: { } code } => (int)code,
        _ => null,
    };

    /// <summary>Network errors, timeouts and HTTP 408/429/5xx; never a response that was too large.</summary>
    private static bool IsTransient(Exception e)
    {
        if (TooLarge(e) is not null) return false;
        if (e is TimeoutRejectedException) return true;
        return Status(e) switch
        {
            null => e is HttpRequestException,
            var code => code is 0 or 408 or 429 or >= 500,
        };
    }

    /// <summary>The <see cref="ResponseTooLargeException"/> somewhere in <paramref name="e"/>'s chain of causes, or null.</summary>
    private static ResponseTooLargeException? TooLarge(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is ResponseTooLargeException tooLarge) return tooLarge;
        return null;
    }

    /// <summary>
    /// q = m_A / (m_A + m_B) at the verdict token, m_X = Σ exp(logprob) over its top alternatives that read as X;
    /// null when there are no log-probabilities or no alternative reads as a letter.
    /// </summary>
    internal static double? SoftProbability(IReadOnlyList<ChatTokenLogProbabilityDetails>? tokens)
    {
        if (tokens is null) return null;
        foreach (var token in tokens)
        {
            if (LetterAnswer.Parse(token.Token) is null) continue; // skip leading white space or punctuation tokens
            double massA = 0, massB = 0;
            var alternatives = token.TopLogProbabilities.Select(t => (t.Token, t.LogProbability)).ToList();
            if (alternatives.Count == 0) alternatives.Add((token.Token, token.LogProbability));
            foreach (var (text, logProbability) in alternatives)
            {
                switch (LetterAnswer.Parse(text))
                {
                    case 'A': massA += Math.Exp(logProbability); break;
                    case 'B': massB += Math.Exp(logProbability); break;
                }
            }
            return massA + massB > 0 ? massA / (massA + massB) : null;
        }
        return null;
    }

    /// <summary><c>chat:PROVIDER/MODEL</c>, plus a hash of a non-default template and <c>;hard</c> without log-probabilities.</summary>
    internal static string DefaultId(IChatClient client, ChatJudgeOptions options)
    {
        var metadata = client.GetService<ChatClientMetadata>();
        var name = string.Join('/', new[] { metadata?.ProviderName, metadata?.DefaultModelId }.Where(s => !string.IsNullOrEmpty(s)));
        return Suffixed(new StringBuilder($"chat:{(name.Length > 0 ? name : client.GetType().Name)}"), options);
    }

    /// <summary>Appends what of <paramref name="options"/> changes answers: a non-default template's hash, and <c>;hard</c>.</summary>
    internal static string Suffixed(StringBuilder id, ChatJudgeOptions options)
    {
        if (options.Template != ChatJudgeOptions.DefaultTemplate)
            id.Append(";template=").Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.Template)))[..12]);
        if (options.ConversationTemplate != ChatJudgeOptions.DefaultConversationTemplate)
            id.Append(";conversation-template=").Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.ConversationTemplate)))[..12]);
        if (!options.UseLogProbabilities) id.Append(";hard");
        return id.ToString();
    }

    /// <summary>Releases the concurrency gate and, when owned, the client.</summary>
    public void Dispose()
    {
        _slots.Dispose();
        if (_ownsClient) _client.Dispose();
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using OpenAI;
using OpenAI.Chat;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Rebel.Preference;

namespace Rebel.Judges.Llm;

/// <summary>
/// LLM-as-a-judge through the official OpenAI .NET client, against api.openai.com or any OpenAI-compatible server
/// (vLLM, llama.cpp, Ollama, ...). The template shows the prompt and both completions labelled A and B and asks for
/// exactly one letter.
/// </summary>
/// <remarks>
/// <para><b>One question.</b> q = P(the model answers "A"). With log-probabilities (when the server returns them):
/// at the verdict token (the first answer token that reads as A or B), q = m_A / (m_A + m_B), where m_X sums
/// exp(logprob) over the top alternatives that read as X; otherwise q = 1 for "A" and 0 for "B". Any other answer
/// raises <see cref="JudgeException"/> quoting it.</para>
/// <para><b>Position bias.</b> Every pair is asked in both orders, q₁ with (A, B) = (a, b) and q₂ with (A, B) = (b, a),
/// and P(a ≻ b) = ½ (q₁ + 1 − q₂). A model that always picks the first position gets ½.</para>
/// <para><b>Reliability.</b> At most <see cref="OpenAIJudgeOptions.MaxConcurrency"/> requests in flight; each attempt
/// limited to <see cref="OpenAIJudgeOptions.Timeout"/>; HTTP 408/429/5xx, network errors and timeouts retried up to
/// <see cref="OpenAIJudgeOptions.MaxRetries"/> times with exponential backoff (a Polly 8 resilience pipeline; the
/// client's own retries are off so the count is exact).</para>
/// <para><b>Secrets.</b> The key (<see cref="OpenAIJudgeOptions.KeyVariable"/>) is sent only over HTTPS or to a loopback
/// address unless <see cref="OpenAIJudgeOptions.AllowKeyOverHttp"/>; credentials in the URL never appear in <see cref="Id"/>
/// or in messages; response bodies past <see cref="OpenAIJudgeOptions.MaxResponseBytes"/> fail unread.</para>
/// <para>Spec: <c>openai:MODEL@BASE_URL</c> (or <c>openai:MODEL</c> for api.openai.com), with options
/// <c>openai[key_env=NAME,allow_http_key,timeout=SECONDS,max_response_bytes=N]:MODEL@BASE_URL</c>.</para>
/// </remarks>
public sealed class OpenAIJudge : IPairwiseJudge
{
    private static readonly Regex Placeholder = new(@"\{(prompt|a|b)\}", RegexOptions.CultureInvariant);
    private readonly ChatClient _client;
    private readonly ChatCompletionOptions _request;
    private readonly ResiliencePipeline _pipeline;
    private readonly SemaphoreSlim _slots;
    private readonly HttpClient _http;
    private long _requests;
    private long _retries;

    /// <summary>Creates the judge; <paramref name="options"/> are validated.</summary>
    public OpenAIJudge(OpenAIJudgeOptions options)
    {
        Options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        var key = options.ApiKey ?? Environment.GetEnvironmentVariable(options.KeyVariable);
        if (string.IsNullOrEmpty(key) && options.ApiKey is null && options.KeyVariable != OpenAIJudgeOptions.ApiKeyVariable)
            throw new ArgumentException($"key_env={options.KeyVariable}: the environment variable {options.KeyVariable} is not set", nameof(options));
        var endpoint = options.Endpoint ?? new Uri("https://api.openai.com/v1");
        KeyWithheld = !string.IsNullOrEmpty(key) && !MaySendKey(endpoint, options.AllowKeyOverHttp);
        if (string.IsNullOrEmpty(key) || KeyWithheld) key = "no-key"; // local servers ignore it; the client requires one
        _http = new HttpClient(new ResponseSizeLimit(options.MaxResponseBytes)) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        var clientOptions = new OpenAIClientOptions
        {
            RetryPolicy = new ClientRetryPolicy(0), // retries are ours (Polly), so they can be counted
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
            Transport = new HttpClientPipelineTransport(_http),
        };
        if (options.Endpoint is not null) clientOptions.Endpoint = options.Endpoint;
        _client = new ChatClient(options.Model, new ApiKeyCredential(key), clientOptions);
        _request = new ChatCompletionOptions { Temperature = options.Temperature, MaxOutputTokenCount = options.MaxOutputTokens };
        if (options.UseLogProbabilities)
        {
            _request.IncludeLogProbabilities = true;
            _request.TopLogProbabilityCount = options.TopLogProbabilities;
        }
        _slots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        var pipeline = new ResiliencePipelineBuilder();
        if (options.MaxRetries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<ClientResultException>(e => IsTransient(e.Status) && TooLarge(e) is null)
                    .Handle<HttpRequestException>(e => TooLarge(e) is null)
                    .Handle<TimeoutRejectedException>(),
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

        var url = UrlCredentials.Redact(endpoint).TrimEnd('/');
        var id = new StringBuilder($"openai:{options.Model}@{url}");
        if (options.Template != OpenAIJudgeOptions.DefaultTemplate)
            id.Append(";template=").Append(Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(options.Template)))[..12]);
        if (!options.UseLogProbabilities) id.Append(";hard");
        Id = id.ToString();
    }

    /// <summary>The validated settings.</summary>
    public OpenAIJudgeOptions Options { get; }

    /// <inheritdoc/>
    public string Id { get; }

    /// <summary>
    /// Whether a key was found but is not sent, because the endpoint is plain <c>http://</c> to a host that is not a
    /// loopback address and <see cref="OpenAIJudgeOptions.AllowKeyOverHttp"/> is off.
    /// </summary>
    public bool KeyWithheld { get; }

    /// <summary>Whether an API key may be sent to <paramref name="endpoint"/>: over HTTPS, to a loopback address, or when allowed.</summary>
    public static bool MaySendKey(Uri endpoint, bool allowOverHttp)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return allowOverHttp || endpoint.Scheme == Uri.UriSchemeHttps || endpoint.IsLoopback;
    }

    /// <summary>HTTP attempts made so far (first tries and retries).</summary>
    public long Requests => Interlocked.Read(ref _requests);

    /// <summary>Retries made so far.</summary>
    public long Retries => Interlocked.Read(ref _retries);

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
        var text = Placeholder.Replace(Options.Template, m => m.Groups[1].Value switch
        {
            "prompt" => comparison.Prompt,
            "a" => first,
            _ => second,
        });
        List<ChatMessage> messages = [new UserChatMessage(text)];
        ChatCompletion completion;
        try
        {
            completion = await _pipeline.ExecuteAsync(async token =>
            {
                await _slots.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    Interlocked.Increment(ref _requests);
                    return (await _client.CompleteChatAsync(messages, _request, token).ConfigureAwait(false)).Value;
                }
                finally
                {
                    _slots.Release();
                }
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (TooLarge(e) is { } tooLarge)
        {
            throw new JudgeException(Id, index, comparison, tooLarge.Message, e);
        }
        catch (ClientResultException e)
        {
            var status = e.Status == 0 ? "no HTTP response" : $"HTTP {e.Status}";
            var withheld = e.Status == 401 && KeyWithheld
                ? $" (the key in {Options.KeyVariable} was not sent: the endpoint is plain http:// to a remote host; use https://, or add allow_http_key to the spec to send it anyway)"
                : "";
            throw new JudgeException(Id, index, comparison,
                $"the server failed ({status}) after {Attempts(e)}{withheld}: {JudgeException.Excerpt(UrlCredentials.Redact(e.Message), 200)}", e);
        }
        catch (TimeoutRejectedException e)
        {
            throw new JudgeException(Id, index, comparison, $"no answer within {Options.Timeout.TotalSeconds:0.###} s, {Options.MaxRetries + 1} attempts", e);
        }
        catch (Exception e) when (e is not OperationCanceledException and not JudgeException)
        {
            throw new JudgeException(Id, index, comparison, $"the server's answer could not be read ({e.GetType().Name}: {JudgeException.Excerpt(UrlCredentials.Redact(e.Message), 200)})", e);
        }

        var answer = string.Concat(completion.Content.Where(part => part.Kind == ChatMessageContentPartKind.Text).Select(part => part.Text));
        var letter = LetterAnswer.Parse(answer)
            ?? throw new JudgeException(Id, index, comparison, $"expected exactly one letter, A or B, but the model answered \"{JudgeException.Excerpt(answer, 120)}\"");
        double q = SoftProbability(completion.ContentTokenLogProbabilities) ?? (letter == 'A' ? 1.0 : 0.0);
        return (q, answer.Trim());
    }

    /// <summary>The <see cref="ResponseTooLargeException"/> somewhere in <paramref name="e"/>'s chain of causes, or null.</summary>
    private static ResponseTooLargeException? TooLarge(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is ResponseTooLargeException tooLarge) return tooLarge;
        return null;
    }

    private static bool IsTransient(int status) => status is 0 or 408 or 429 or >= 500;

    private string Attempts(ClientResultException e) =>
        IsTransient(e.Status) ? $"{Options.MaxRetries + 1} attempts" : "1 attempt (not retried)";

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

    /// <summary>Releases the concurrency gate and the HTTP connections.</summary>
    public void Dispose()
    {
        _slots.Dispose();
        _http.Dispose();
    }
}

using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using Microsoft.Extensions.AI;
using Rebel.Preference;

namespace Rebel.Judges.Llm;

/// <summary>
/// LLM-as-a-judge against api.openai.com or any OpenAI-compatible server (vLLM, llama.cpp, Ollama, ...): a
/// <see cref="ChatClientJudge"/> over the official OpenAI .NET client seen as an <see cref="Microsoft.Extensions.AI.IChatClient"/>.
/// The template shows the prompt and both completions labelled A and B and asks for exactly one letter.
/// </summary>
/// <remarks>
/// <para><b>One question.</b> q = P(the model answers "A"). With log-probabilities (when the server returns them):
/// at the verdict token (the first answer token that reads as A or B), q = m_A / (m_A + m_B), where m_X sums
/// exp(logprob) over the top alternatives that read as X; otherwise q = 1 for "A" and 0 for "B". Any other answer
/// raises <see cref="JudgeException"/> quoting it.</para>
/// <para><b>Position bias.</b> Every pair is asked in both orders, q₁ with (A, B) = (a, b) and q₂ with (A, B) = (b, a),
/// and P(a ≻ b) = ½ (q₁ + 1 − q₂). A model that always picks the first position gets ½.</para>
/// <para><b>Reliability.</b> At most <see cref="ChatJudgeOptions.MaxConcurrency"/> requests in flight; each attempt
/// limited to <see cref="ChatJudgeOptions.Timeout"/>; HTTP 408/429/5xx, network errors and timeouts retried up to
/// <see cref="ChatJudgeOptions.MaxRetries"/> times with exponential backoff (a Polly 8 resilience pipeline; the
/// client's own retries are off so the count is exact).</para>
/// <para><b>Secrets.</b> The key (<see cref="OpenAIJudgeOptions.KeyVariable"/>) is sent only over HTTPS or to a loopback
/// address unless <see cref="OpenAIJudgeOptions.AllowKeyOverHttp"/>; credentials in the URL never appear in <see cref="Id"/>
/// or in messages; response bodies past <see cref="OpenAIJudgeOptions.MaxResponseBytes"/> fail unread.</para>
/// <para>Spec: <c>openai:MODEL@BASE_URL</c> (or <c>openai:MODEL</c> for api.openai.com), with options
/// <c>openai[key_env=NAME,allow_http_key,timeout=SECONDS,max_response_bytes=N]:MODEL@BASE_URL</c>.</para>
/// </remarks>
public sealed class OpenAIJudge : IPairwiseJudge
{
    private readonly ChatClientJudge _judge;
    private readonly HttpClient _http;

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
            RetryPolicy = new ClientRetryPolicy(0), // retries are the judge's (Polly), so they can be counted
            NetworkTimeout = options.Timeout + TimeSpan.FromSeconds(5),
            Transport = new HttpClientPipelineTransport(_http),
        };
        if (options.Endpoint is not null) clientOptions.Endpoint = options.Endpoint;
        var client = new ChatClient(options.Model, new ApiKeyCredential(key), clientOptions).AsIChatClient();
        var id = ChatClientJudge.Suffixed(new StringBuilder($"openai:{options.Model}@{UrlCredentials.Redact(endpoint).TrimEnd('/')}"), options);
        _judge = new ChatClientJudge(client, options, id)
        {
            UnauthorizedHint = KeyWithheld
                ? $"the key in {options.KeyVariable} was not sent: the endpoint is plain http:// to a remote host; use https://, or add allow_http_key to the spec to send it anyway"
                : null,
        };
    }

    /// <summary>The validated settings.</summary>
    public OpenAIJudgeOptions Options { get; }

    /// <inheritdoc/>
    public string Id => _judge.Id;

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
    public long Requests => _judge.Requests;

    /// <summary>Retries made so far.</summary>
    public long Retries => _judge.Retries;

    /// <inheritdoc/>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default) =>
        _judge.JudgeAsync(comparisons, cancellationToken);

    /// <summary>Releases the client and its HTTP connections.</summary>
    public void Dispose()
    {
        _judge.Dispose();
        _http.Dispose();
    }
}

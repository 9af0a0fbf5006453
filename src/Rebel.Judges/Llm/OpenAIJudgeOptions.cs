namespace Rebel.Judges.Llm;

/// <summary>
/// Settings of <see cref="OpenAIJudge"/>: where the server is and how its key is handled, besides the judging settings of
/// <see cref="ChatJudgeOptions"/>. Immutable; <see cref="Validate"/> checks them together.
/// </summary>
public sealed record OpenAIJudgeOptions : ChatJudgeOptions
{
    /// <summary>The environment variable the API key is read from when <see cref="ApiKey"/> is null.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    /// <summary>The model name sent to the server (required), e.g. <c>gpt-4o-mini</c> or a vLLM model id.</summary>
    public required string Model { get; init; }

    /// <summary>Base URL of an OpenAI-compatible server, e.g. <c>http://127.0.0.1:8000/v1</c>; null = api.openai.com.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>The API key. Default null: the variable <see cref="KeyVariable"/> when set, else none (local servers need none).</summary>
    public string? ApiKey { get; init; }

    /// <summary>
    /// The environment variable the key is read from when <see cref="ApiKey"/> is null. Default <c>OPENAI_API_KEY</c>
    /// (which may be unset); another name (spec option <c>key_env=NAME</c>) must be set.
    /// </summary>
    public string KeyVariable { get; init; } = ApiKeyVariable;

    /// <summary>
    /// Send the key over plain <c>http://</c> to a host that is not a loopback address. Default false: the key goes only
    /// over HTTPS or to the local machine, and is withheld otherwise (spec option <c>allow_http_key</c> to opt in).
    /// </summary>
    public bool AllowKeyOverHttp { get; init; }

    /// <summary>The largest HTTP response body read, in bytes; a larger answer fails the request, unread. Default 1 MiB.</summary>
    public long MaxResponseBytes { get; init; } = 1 << 20;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting and its value.</summary>
    public new OpenAIJudgeOptions Validate()
    {
        if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("the model name is empty", nameof(Model));
        if (Endpoint is not null && !Endpoint.IsAbsoluteUri) throw new ArgumentException($"the endpoint {Endpoint} is not an absolute URL", nameof(Endpoint));
        base.Validate();
        if (string.IsNullOrWhiteSpace(KeyVariable)) throw new ArgumentException("the key variable's name is empty", nameof(KeyVariable));
        if (MaxResponseBytes < 1) throw new ArgumentOutOfRangeException(nameof(MaxResponseBytes), MaxResponseBytes, "must be at least 1");
        return this;
    }
}

namespace Rebel.Judges.Llm;

/// <summary>An HTTP response body was larger than <see cref="OpenAIJudgeOptions.MaxResponseBytes"/>; it was not read further.</summary>
public sealed class ResponseTooLargeException : IOException
{
    /// <summary>Creates the exception for a cap of <paramref name="limit"/> bytes.</summary>
    public ResponseTooLargeException(long limit)
        : base($"the server's answer is larger than {limit} bytes (max_response_bytes); it was not read")
    {
        Limit = limit;
    }

    /// <summary>The cap, in bytes.</summary>
    public long Limit { get; }
}

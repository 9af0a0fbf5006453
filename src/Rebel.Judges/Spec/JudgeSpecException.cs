using Rebel.Judges.Llm;

namespace Rebel.Judges.Spec;

/// <summary>A judge spec string could not be parsed. The message says what is wrong and lists the valid forms.</summary>
public sealed class JudgeSpecException : RebelException
{
    /// <summary>Creates the exception for <paramref name="spec"/> (the part that failed) and <paramref name="problem"/>.</summary>
    public JudgeSpecException(string spec, string problem)
        : base($"bad judge spec \"{UrlCredentials.Redact(spec)}\": {UrlCredentials.Redact(problem)}.{Environment.NewLine}{JudgeSpec.ValidForms}")
    {
        Spec = UrlCredentials.Redact(spec);
        Problem = UrlCredentials.Redact(problem);
    }

    /// <summary>The (sub-)spec that failed (credentials in URLs redacted).</summary>
    public string Spec { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

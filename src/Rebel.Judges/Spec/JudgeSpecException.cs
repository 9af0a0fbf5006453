namespace Rebel.Judges.Spec;

/// <summary>A judge spec string could not be parsed. The message says what is wrong and lists the valid forms.</summary>
public sealed class JudgeSpecException : FormatException
{
    /// <summary>Creates the exception for <paramref name="spec"/> (the part that failed) and <paramref name="problem"/>.</summary>
    public JudgeSpecException(string spec, string problem)
        : base($"bad judge spec \"{spec}\": {problem}.{Environment.NewLine}{JudgeSpec.ValidForms}")
    {
        Spec = spec;
        Problem = problem;
    }

    /// <summary>The (sub-)spec that failed.</summary>
    public string Spec { get; }

    /// <summary>What is wrong with it.</summary>
    public string Problem { get; }
}

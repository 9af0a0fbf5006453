using System.Text;

namespace Rebel.Preference.Data;

/// <summary>
/// A deterministic train/validation split by prompt: a record goes to validation when
/// u(prompt) &lt; <see cref="ValidationFraction"/>, where u ∈ [0, 1) is a seeded 64-bit hash of the prompt's UTF-8
/// bytes. Every record of one prompt lands on the same side, the assignment does not depend on file order or
/// on the other records, and the same seed always gives the same split.
/// </summary>
public sealed record PreferenceSplit
{
    /// <summary>Creates a split; <paramref name="validationFraction"/> must lie in [0, 1].</summary>
    public PreferenceSplit(double validationFraction, ulong seed = 0)
    {
        if (!(validationFraction >= 0.0 && validationFraction <= 1.0))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "the validation fraction must lie in [0, 1]");
        ValidationFraction = validationFraction;
        Seed = seed;
    }

    /// <summary>The expected share of prompts held out for validation, in [0, 1].</summary>
    public double ValidationFraction { get; }

    /// <summary>The seed mixed into the prompt hash; a different seed gives an independent split.</summary>
    public ulong Seed { get; }

    /// <summary>Whether the records of <paramref name="prompt"/> belong to the validation side.</summary>
    public bool IsValidation(string prompt) => UnitHash(prompt, Seed) < ValidationFraction;

    /// <summary>Splits records into (train, validation), each keeping the input order.</summary>
    public (List<PreferenceRecord> Train, List<PreferenceRecord> Validation) Apply(IEnumerable<PreferenceRecord> records)
    {
        var train = new List<PreferenceRecord>();
        var validation = new List<PreferenceRecord>();
        foreach (var r in records) (IsValidation(r.Prompt) ? validation : train).Add(r);
        return (train, validation);
    }

    /// <summary>u ∈ [0, 1): FNV-1a over the UTF-8 bytes starting from a seed-dependent basis, then a SplitMix64 finaliser.</summary>
    internal static double UnitHash(string text, ulong seed)
    {
        ulong h = 0xcbf29ce484222325UL ^ Mix(seed);
        foreach (byte b in Encoding.UTF8.GetBytes(text))
        {
            h ^= b;
            h *= 0x100000001b3UL;
        }
        return (Mix(h) >> 11) * (1.0 / (1UL << 53));
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}

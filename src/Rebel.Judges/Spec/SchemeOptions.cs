using System.Globalization;

namespace Rebel.Judges.Spec;

/// <summary>
/// The options of a <c>NAME[KEY=VALUE,FLAG,...]:...</c> judge spec, checked against the keys the judge knows: an
/// unknown key, a repeated key or a bad value is a <see cref="JudgeSpecException"/> naming it.
/// </summary>
internal sealed class SchemeOptions
{
    private readonly string _spec;
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    /// <summary>Parses <paramref name="text"/> (the part between the brackets, or null for none).</summary>
    public SchemeOptions(string spec, string? text, IReadOnlyList<string> known)
    {
        _spec = spec;
        if (text is null) return;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.Length == 0) throw new JudgeSpecException(spec, "an option between the brackets is empty");
            int eq = part.IndexOf('=');
            var key = (eq < 0 ? part : part[..eq]).Trim();
            if (!known.Contains(key))
                throw new JudgeSpecException(spec, $"\"{key}\" is not an option here; the options are {string.Join(", ", known)}");
            if (!_values.TryAdd(key, eq < 0 ? null : part[(eq + 1)..].Trim()))
                throw new JudgeSpecException(spec, $"the option \"{key}\" is given twice");
        }
    }

    /// <summary>Whether the flag <paramref name="key"/> is present (a flag takes no value).</summary>
    public bool Flag(string key)
    {
        if (!_values.TryGetValue(key, out var value)) return false;
        if (value is not null) throw new JudgeSpecException(_spec, $"the option \"{key}\" is a flag and takes no value");
        return true;
    }

    /// <summary>The non-empty text value of <paramref name="key"/>, or null when absent.</summary>
    public string? Text(string key)
    {
        if (!_values.TryGetValue(key, out var value)) return null;
        if (string.IsNullOrEmpty(value)) throw new JudgeSpecException(_spec, $"the option \"{key}\" needs a value: {key}=...");
        return value;
    }

    /// <summary>A positive, finite number of seconds, or null when absent.</summary>
    public TimeSpan? Seconds(string key)
    {
        if (Text(key) is not { } text) return null;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !(seconds > 0) || seconds > TimeSpan.MaxValue.TotalSeconds / 2)
            throw new JudgeSpecException(_spec, $"{key} is a positive number of seconds, e.g. {key}=30 (got \"{text}\")");
        return TimeSpan.FromSeconds(seconds);
    }

    /// <summary>A whole number ≥ 1, or null when absent.</summary>
    public long? Count(string key)
    {
        if (Text(key) is not { } text) return null;
        if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1)
            throw new JudgeSpecException(_spec, $"{key} is a whole number ≥ 1 (got \"{text}\")");
        return n;
    }
}

using System.Text.RegularExpressions;

namespace Rebel.Models.Lora;

/// <summary>
/// PEFT's rule for which modules get adapters: a list of names matches a module whose path equals a name or ends with
/// "." + name; a single string is a regular expression that must match the whole path.
/// </summary>
internal sealed class TargetModules
{
    private readonly IReadOnlyList<string>? _names;
    private readonly Regex? _pattern;

    public TargetModules(IReadOnlyList<string> names) => _names = names;

    public TargetModules(string pattern) => _pattern = new Regex("^(?:" + pattern + ")$", RegexOptions.CultureInvariant);

    /// <summary>The names, or the pattern, as written in adapter_config.json.</summary>
    public override string ToString() => _names is null ? $"\"{_pattern}\"" : "[" + string.Join(", ", _names) + "]";

    public bool Matches(string path) => _names is null
        ? _pattern!.IsMatch(path)
        : _names.Any(n => path == n || path.EndsWith("." + n, StringComparison.Ordinal));
}

namespace Rebel.Models.Data;

/// <summary>
/// Turns a name (a player, a game) into a file name that is safe on every file system: letters, digits, '-' and '_'
/// stay (and '.' when asked), every other character becomes '_'.
/// </summary>
public static class SafeFileName
{
    /// <summary>The safe form of <paramref name="name"/>; <paramref name="keepDots"/> keeps '.' as it is.</summary>
    public static string From(string name, bool keepDots = false) =>
        string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' || (keepDots && c == '.') ? c : '_'));
}

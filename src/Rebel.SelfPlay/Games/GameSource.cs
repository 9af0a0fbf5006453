using Rebel.Preference.Models;

namespace Rebel.SelfPlay.Games;

/// <summary>Resolves a <c>--game</c> argument: a game file (a path ending in .json, or any existing file) or a built-in name.</summary>
public static class GameSource
{
    /// <summary>The game named or stored at <paramref name="spec"/>.</summary>
    /// <exception cref="ArgumentException">Neither an existing file nor a built-in name (both options are listed).</exception>
    /// <exception cref="FileNotFoundException">A .json path that does not exist.</exception>
    /// <exception cref="Rebel.Models.Data.DataFormatException">A malformed game file.</exception>
    public static MatrixPreferenceModel Resolve(string spec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(spec);
        if (File.Exists(spec) || spec.EndsWith(".json", StringComparison.OrdinalIgnoreCase)) return MatrixPreferenceModel.Load(spec);
        if (BuiltinGames.TryCreate(spec, out var game)) return game;
        throw new ArgumentException(
            $"\"{spec}\" is neither a game file nor a built-in game. Built-in games: {string.Join(", ", BuiltinGames.Names)}.",
            nameof(spec));
    }
}

using Rebel.Models.Data;
using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Tournaments;

/// <summary>
/// Turns the <c>--players</c> paths of <c>rebel tournament</c> into players: a file is a completion file
/// (<see cref="CompletionFilePlayer"/>), a directory is a model directory or checkpoint directory loaded by the given
/// loader and sampled (<see cref="PolicyPlayer"/>). Players are named by file name without extension, or by directory
/// name; names must be unique.
/// </summary>
/// <param name="LoadPolicy">Loads a model or checkpoint directory as a policy; null when this build cannot load models.</param>
/// <param name="Temperature">Sampling temperature of policy players.</param>
/// <param name="MaxNewTokens">Length limit of policy players.</param>
public sealed record PlayerResolver(Func<string, IPolicy>? LoadPolicy, double Temperature = 1.0, int MaxNewTokens = 64)
{
    /// <summary>Resolves every path, in order.</summary>
    /// <exception cref="TournamentException">A path does not exist, a directory cannot be loaded, or two players share a name.</exception>
    public IReadOnlyList<ITournamentPlayer> Resolve(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var players = paths.Select(Resolve).ToList();
        var duplicate = players.GroupBy(p => p.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new TournamentException($"two players are named \"{duplicate.Key}\"; rename a file or directory so that every player has its own name");
        return players;
    }

    /// <summary>Resolves one path.</summary>
    /// <exception cref="TournamentException">The path does not exist or the directory cannot be loaded.</exception>
    public ITournamentPlayer Resolve(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (File.Exists(path)) return CompletionFilePlayer.Load(path);
        if (!Directory.Exists(path))
            throw new TournamentException($"player {path}: no such file or directory (a player is a completion file .jsonl, a model directory or a checkpoint directory)");
        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(path)));
        if (LoadPolicy is null)
            throw new TournamentException($"player {path}: is a directory, but this build cannot load model directories; give a completion file instead");
        IPolicy policy;
        try
        {
            policy = LoadPolicy(path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or ArgumentException or UnauthorizedAccessException)
        {
            throw new TournamentException($"player {path}: cannot load it as a model or checkpoint directory: {e.Message}", e);
        }
        return new PolicyPlayer(name, policy, Temperature, MaxNewTokens) { ModelHash = ContentHash.OfDirectory(path) };
    }
}

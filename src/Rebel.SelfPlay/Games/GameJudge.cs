using Rebel.Judges;
using Rebel.Preference;

namespace Rebel.SelfPlay.Games;

/// <summary>
/// A game as a pairwise judge: l(x, a, b) = P_ab, looked up by the completions' action names, the same for every
/// prompt x. It lets the REBEL trainer (which talks to judges) play a preference game, e.g. a
/// <see cref="TabularPolicy.AsPolicy"/> policy on rock-paper-scissors.
/// </summary>
public sealed class GameJudge : IPairwiseJudge
{
    private readonly Game _game;
    private readonly Dictionary<string, int> _index;

    /// <summary>A judge answering with <paramref name="game"/>'s preference matrix.</summary>
    public GameJudge(Game game)
    {
        _game = game ?? throw new ArgumentNullException(nameof(game));
        _index = game.Actions.Select((name, i) => (name, i)).ToDictionary(e => e.name, e => e.i, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public string Id => $"game:{_game.Name}";

    /// <inheritdoc/>
    /// <exception cref="JudgeException">A completion is not one of the game's actions (the item and the action are named).</exception>
    public Task<IReadOnlyList<Verdict>> JudgeAsync(IReadOnlyList<Comparison> comparisons, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(comparisons);
        cancellationToken.ThrowIfCancellationRequested();
        var verdicts = new Verdict[comparisons.Count];
        for (var i = 0; i < verdicts.Length; i++)
        {
            var c = comparisons[i];
            verdicts[i] = new Verdict(_game.Preference[Action(c.A, i, c), Action(c.B, i, c)]); // l = P_ab
        }
        return Task.FromResult<IReadOnlyList<Verdict>>(verdicts);
    }

    /// <summary>A game judge holds no resources.</summary>
    public void Dispose() { }

    private int Action(string completion, int index, Comparison comparison) =>
        _index.TryGetValue(completion, out var a)
            ? a
            : throw new JudgeException(Id, index, comparison,
                $"\"{JudgeException.Excerpt(completion)}\" is not an action of {_game.Name} ({string.Join(", ", _game.Actions)})");
}

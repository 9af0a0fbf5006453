using Rebel.SelfPlay.Tournaments;

namespace Rebel.SelfPlay.Pipeline;

/// <summary>
/// The tournament <c>rebel train</c> plays after training, on held-out prompts under the task judge: the SFT reference,
/// evenly spaced self-play checkpoints, the final self-play policy and (when run) the baseline's final policy.
/// Written to <c>RUN_DIR/tournament/</c> (see <c>rebel tournament</c>).
/// </summary>
public sealed record TournamentStageConfig
{
    /// <summary>Held-out prompts played: the first this many of <c>eval_prompts</c>. Default 200.</summary>
    public int Prompts { get; init; } = 200;

    /// <summary>Completions per prompt per player. Default 2.</summary>
    public int Samples { get; init; } = 2;

    /// <summary>Earlier self-play checkpoints entered besides the final one (evenly spaced). Default 3.</summary>
    public int Checkpoints { get; init; } = 3;

    /// <summary>Bootstrap resamples (over prompts) for the intervals. Default 500.</summary>
    public int BootstrapResamples { get; init; } = 500;

    /// <summary>Seed of the players' sampling and of the bootstrap. Default 0.</summary>
    public ulong Seed { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid value.</summary>
    public TournamentStageConfig Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string message) { if (!ok) problems.Add(message); }
        Check(Prompts >= 1, $"tournament.prompts must be ≥ 1, got {Prompts}");
        Check(Samples >= 1, $"tournament.samples must be ≥ 1, got {Samples}");
        Check(Checkpoints >= 0, $"tournament.checkpoints must be ≥ 0, got {Checkpoints}");
        Check(BootstrapResamples is 0 or >= 2, $"tournament.bootstrap_resamples must be 0 (no intervals) or ≥ 2, got {BootstrapResamples}");
        if (problems.Count > 0) throw new ArgumentException("Invalid tournament settings: " + string.Join("; ", problems) + ".");
        Options();
        return this;
    }

    /// <summary>The tournament's settings, validated (so a value the tournament rejects fails when the config loads).</summary>
    internal TournamentOptions Options() => new TournamentOptions
    {
        Samples = Samples, Seed = Seed, BootstrapResamples = BootstrapResamples,
    }.Validate();
}

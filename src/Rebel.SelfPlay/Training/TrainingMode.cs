namespace Rebel.SelfPlay.Training;

/// <summary>Where REBEL's regression targets come from.</summary>
public enum TrainingMode
{
    /// <summary>Self-play: Δ = l(x, y, y′) − ½ from a pairwise judge, whose preferences may be intransitive.</summary>
    Preference,

    /// <summary>Δ = r(x, y) − r(x, y′) from a scalar reward (optionally minus β·(ln π_t − ln π_ref) per sequence).</summary>
    Reward,
}

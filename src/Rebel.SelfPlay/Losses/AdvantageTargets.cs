namespace Rebel.SelfPlay.Losses;

/// <summary>
/// Policy-gradient advantages, one per completion: A_i = r̃_i − mean_{j≠i} r̃_j over the other members of its group
/// (<see cref="Advantage.LeaveOneOut"/>; 0 in a group of one). Built from rewards, so reward mode only.
/// </summary>
/// <param name="Advantage">A_i per completion, shape [N].</param>
public sealed record AdvantageTargets(float[] Advantage) : ILossTargets<AdvantageTargets>
{
    /// <inheritdoc/>
    public static bool NeedsRewards => true;

    /// <inheritdoc/>
    public static AdvantageTargets From(IterationSignals signals)
    {
        var rewards = signals.Rewards ?? throw new InvalidOperationException("Advantages need scalar rewards (reward mode); this iteration was judged pairwise.");
        var advantages = new float[signals.Count];
        foreach (var group in signals.Groups)
        {
            if (group.Length < 2) continue;
            var a = Losses.Advantage.LeaveOneOut(group.Select(i => rewards[i]).ToArray(), group.Length);  // A = r̃ − leave-one-out mean
            for (int j = 0; j < group.Length; j++) advantages[group[j]] = a[j];
        }
        return new AdvantageTargets(advantages);
    }

    /// <inheritdoc/>
    public AdvantageTargets Select(int[] completions, int[] pairs) => new(completions.Select(i => Advantage[i]).ToArray());
}

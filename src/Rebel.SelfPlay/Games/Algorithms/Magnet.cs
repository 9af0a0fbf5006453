using Rebel.SelfPlay.Policies;

namespace Rebel.SelfPlay.Games.Algorithms;

/// <summary>
/// The prox/magnet term of the last-iterate REBEL variants: the reward r_t(y) becomes
/// r_t(y) − β·(ln π_t(y) − ln π_mag(y)), and the magnet is reset, π_mag ← (1 − ε)·π_{t+1} + ε·uniform, after
/// every M-th update (M = 0: never). With a fixed magnet the updates converge to the magnet-regularized
/// equilibrium; the resets turn that into a proximal-point method whose fixed point is (for ε = 0) the minimax
/// winner itself. The ε-mixture keeps every action's magnet probability ≥ ε/n: an action that fell to a tiny
/// probability early but belongs to the equilibrium's support is pulled back up in a few magnet periods instead of
/// climbing back at rate η·(its small advantage); the price is a bias of order β·ε in the fixed point.
/// </summary>
internal sealed class Magnet(double beta, int interval, double mixing)
{
    private double[] _logProbs = [];
    private int _updates;

    public double Beta { get; } = beta;

    public int Interval { get; } = interval;

    public double Mixing { get; } = mixing;

    /// <summary>π_mag ← (1 − ε)·π_0 + ε·uniform at the start of a run (from π_0's logits).</summary>
    public void Reset(ReadOnlySpan<double> initial)
    {
        _logProbs = new double[initial.Length];
        MoveTo(initial);
        _updates = 0;
    }

    /// <summary>−β·(ln π_t(a) − ln π_mag(a)) for action a.</summary>
    public double Penalty(ReadOnlySpan<double> logProbs, int action) => -Beta * (logProbs[action] - _logProbs[action]);

    /// <summary>Counts one update and resets π_mag ← π_{t+1} (from its logits) when the count reaches a multiple of M.</summary>
    public void AfterUpdate(ReadOnlySpan<double> updated)
    {
        _updates++;
        if (Interval > 0 && _updates % Interval == 0) MoveTo(updated);
    }

    /// <summary>π_mag ← (1 − ε)·π + ε·uniform, π = softmax θ.</summary>
    private void MoveTo(ReadOnlySpan<double> logits)
    {
        var probs = new double[logits.Length];
        SoftmaxMath.Softmax(logits, probs);
        for (var a = 0; a < probs.Length; a++) _logProbs[a] = Math.Log((1 - Mixing) * probs[a] + Mixing / probs.Length);
    }
}

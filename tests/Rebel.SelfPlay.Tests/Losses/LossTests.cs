using Rebel.SelfPlay.Losses;
using Rebel.Tensors;

namespace Rebel.SelfPlay.Tests.Losses;

public class LossTests
{
    private static Tensor Params(params float[] values)
    {
        var t = Tensor.FromArray(values, values.Length);
        t.RequiresGrad = true;
        return t;
    }

    [Test]
    public void Rebel_PerfectRegression_HasZeroLoss()
    {
        // ln π_θ = ln π_t + η r exactly solves the regression onto Δ = r(y) − r(y′)
        double eta = 0.5;
        float[] old = [-3f, -2f, -4f, -1f], r = [0.2f, -0.1f, 0.7f, 0.3f];
        var lp = Params(old.Zip(r, (o, x) => o + (float)eta * x).ToArray());
        int[] a = [0, 0, 2], b = [1, 3, 3];
        var delta = a.Zip(b, (i, j) => r[i] - r[j]).ToArray();
        var loss = new RebelLoss(eta).Compute(new LossBatch<DeltaTargets> { LogProbs = lp, AnchorLogProbs = old, PairA = a, PairB = b, Targets = new(delta) });
        Assert.That(loss.Item(), Is.EqualTo(0f).Within(1e-10));
    }

    [Test]
    public void Rebel_ValueAndGradient_MatchTheFormula()
    {
        double eta = 2;
        float[] old = [0f, 0f, 0f];
        var lp = Params(1f, -1f, 0.5f);
        int[] a = [0, 1], b = [1, 2];
        float[] delta = [0.25f, -0.5f];
        var loss = new RebelLoss(eta).Compute(new LossBatch<DeltaTargets> { LogProbs = lp, AnchorLogProbs = old, PairA = a, PairB = b, Targets = new(delta) });
        // residuals: (1/2)(1 − (−1)) − 0.25 = 0.75 ; (1/2)(−1 − 0.5) + 0.5 = −0.25 → mean square = (0.5625 + 0.0625)/2
        Assert.That(loss.Item(), Is.EqualTo(0.3125f).Within(1e-6));
        loss.Backward();
        // ∂L/∂lp_i = Σ_p (2/P) res_p (1/η) (±1): lp0: 0.75/2 ; lp1: −0.75/2 + (−0.25)/2 ; lp2: +0.25/2
        Assert.That(lp.Grad!.ToArray(), Is.EqualTo(new[] { 0.375f, -0.5f, 0.125f }).Within(1e-6));
    }

    [Test]
    public void Sppo_RegressesLogRatioOnScaledWinRate()
    {
        var lp = Params(0.1f, -0.2f);
        var loss = new SppoLoss(1.0).Compute(new LossBatch<WinRateTargets> { LogProbs = lp, AnchorLogProbs = [0f, 0f], Targets = new([0.6f, 0.3f]) });
        // (0.1 − 0.1)² and (−0.2 + 0.2)²
        Assert.That(loss.Item(), Is.EqualTo(0f).Within(1e-7));
    }

    [Test]
    public void Dpo_AtZeroMargin_IsLn2_AndPushesTheWinnerUp()
    {
        var lp = Params(-1f, -1f);
        var loss = new DpoLoss(0.1).Compute(new LossBatch<PreferenceTargets>
        {
            LogProbs = lp, AnchorLogProbs = [-1f, -1f], PairA = [0], PairB = [1], Targets = new([1f]),
        });
        Assert.That(loss.Item(), Is.EqualTo(MathF.Log(2f)).Within(1e-6));
        loss.Backward();
        Assert.That(lp.Grad![0], Is.LessThan(0f)); // descending the loss raises ln π(y_w)
        Assert.That(lp.Grad![1], Is.GreaterThan(0f));
    }

    [Test]
    public void Ipo_TargetMarginIsOneOverTwoBeta()
    {
        double beta = 0.25; // hard win → margin 1/(2β) = 2
        var lp = Params(2f, 0f);
        var loss = new IpoLoss(beta).Compute(new LossBatch<PreferenceTargets>
        {
            LogProbs = lp, AnchorLogProbs = [0f, 0f], PairA = [0], PairB = [1], Targets = new([1f]),
        });
        Assert.That(loss.Item(), Is.EqualTo(0f).Within(1e-7));
    }

    [Test]
    public void Rloo_GradientIsMinusAdvantageOverN()
    {
        var lp = Params(-1f, -2f, -3f, -4f);
        var adv = Advantage.LeaveOneOut([1f, 0f, 0f, 0f], 2); // groups (1,0) and (0,0)
        Assert.That(adv, Is.EqualTo(new[] { 1f, -1f, 0f, 0f }));
        new RlooLoss().Compute(new LossBatch<AdvantageTargets> { LogProbs = lp, AnchorLogProbs = new float[4], Targets = new(adv) }).Backward();
        Assert.That(lp.Grad!.ToArray(), Is.EqualTo(new[] { -0.25f, 0.25f, 0f, 0f }));
    }

    [Test]
    public void Losses_MisSizedTargets_OrBadIndices_Throw()
    {
        // A missing target no longer compiles (the batch's type carries the loss's targets); a mis-sized one still throws.
        var lp = Params(0f, 0f);
        Assert.Throws<ArgumentException>(() => new RebelLoss(1).Compute(new LossBatch<DeltaTargets> { LogProbs = lp, AnchorLogProbs = [0f, 0f], PairA = [0], PairB = [1], Targets = new([]) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RebelLoss(1).Compute(new LossBatch<DeltaTargets> { LogProbs = lp, AnchorLogProbs = [0f, 0f], PairA = [0], PairB = [2], Targets = new([0f]) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RebelLoss(0).Compute(new LossBatch<DeltaTargets> { LogProbs = lp, AnchorLogProbs = [0f, 0f], PairA = [0], PairB = [1], Targets = new([0f]) }));
        Assert.Throws<ArgumentException>(() => new DpoLoss(0.1).Compute(new LossBatch<PreferenceTargets> { LogProbs = lp, AnchorLogProbs = [0f, 0f], PairA = [0], PairB = [1], Targets = new([1f, 0f]) }));
    }
}

namespace Rebel.SelfPlay.Losses;

/// <summary>The frozen policy a loss takes its log-ratios ln π_θ/π_anchor against.</summary>
public enum LossAnchor
{
    /// <summary>π_t, the policy as it stood at the start of the iteration (REBEL, SPPO, Nash-MD; RLOO's samples come from it).</summary>
    Iterate,

    /// <summary>π_ref, the frozen reference (DPO, IPO).</summary>
    Reference,
}

using System.Text.Json.Serialization;

namespace Rebel.Models.Lora;

/// <summary>
/// Settings of low-rank adapters (LoRA, Hu et al. 2021): each chosen linear map W gets W·x + s·B·A·dropout(x) with
/// A: r × in, B: out × r and s = α/r (or α/√r with rank-stabilized scaling). Immutable; <see cref="Validate"/> checks them.
/// Named as PEFT's <c>LoraConfig</c> names them (<c>r</c>, <c>lora_alpha</c>, <c>lora_dropout</c>, <c>target_modules</c>,
/// <c>use_rslora</c>), with PEFT's defaults.
/// </summary>
public sealed record LoraOptions
{
    /// <summary>r, the rank of B·A (default 8).</summary>
    public int Rank { get; init; } = 8;

    /// <summary>α, the numerator of the scaling s (default 8).</summary>
    public double Alpha { get; init; } = 8;

    /// <summary>p, the dropout probability applied to the adapter's input while training (default 0).</summary>
    public double Dropout { get; init; }

    /// <summary>
    /// The module names that get adapters: a module matches when its dotted path equals a name or ends with "." + name,
    /// e.g. <c>q_proj</c>, <c>k_proj</c>, <c>v_proj</c>, <c>o_proj</c>, <c>gate_proj</c>, <c>up_proj</c>, <c>down_proj</c> for
    /// Llama-family models, <c>c_attn</c>, <c>c_proj</c>, <c>c_fc</c> for GPT-2. Default q_proj and v_proj (PEFT's choice for Llama).
    /// </summary>
    public IReadOnlyList<string> TargetModules { get; init; } = ["q_proj", "v_proj"];

    /// <summary>Rank-stabilized LoRA: s = α/√r instead of α/r (default false).</summary>
    [JsonPropertyName("use_rslora")]
    public bool UseRsLora { get; init; }

    /// <summary>Seed of A's initialization and of the dropout masks (default 0).</summary>
    public ulong Seed { get; init; }

    /// <summary>s = α/r, or α/√r with <see cref="UseRsLora"/>.</summary>
    [JsonIgnore]
    public double Scaling => UseRsLora ? Alpha / Math.Sqrt(Rank) : Alpha / Rank;

    /// <summary>Throws <see cref="ArgumentException"/> naming every invalid value.</summary>
    public LoraOptions Validate()
    {
        var problems = new List<string>();
        void Check(bool ok, string message) { if (!ok) problems.Add(message); }
        Check(Rank >= 1, $"r must be ≥ 1, got {Rank}");
        Check(double.IsFinite(Alpha) && Alpha != 0, $"lora_alpha must be finite and non-zero, got {Alpha}");
        Check(Dropout >= 0 && Dropout < 1, $"lora_dropout must be in [0, 1), got {Dropout}");
        Check(TargetModules is { Count: > 0 }, "target_modules must name at least one module");
        if (TargetModules is not null)
            foreach (var name in TargetModules)
                Check(!string.IsNullOrWhiteSpace(name), "target_modules holds an empty name");
        if (problems.Count > 0) throw new ArgumentException("Invalid LoRA options: " + string.Join("; ", problems) + ".");
        return this;
    }
}

using Rebel.Tensors;

namespace Rebel.Models.Lora;

/// <summary>
/// A model that LoRA adapters can be attached to: it lists its adaptable linear maps under the module paths of its
/// Hugging Face implementation (PEFT's tensor names are built from them) and its own parameters (frozen under LoRA).
/// Each model family provides one; nothing else in <see cref="LoraAdapter"/> depends on the family.
/// </summary>
public interface ILoraHost
{
    /// <summary>Every linear map that may carry an adapter, in a fixed order, with its module path.</summary>
    IReadOnlyList<NamedLinear> Linears { get; }

    /// <summary>The base model's parameters.</summary>
    IReadOnlyList<Tensor> BaseParameters { get; }

    /// <summary>True when the weights are stored [in, out] (written to adapter_config.json as <c>fan_in_fan_out</c>).</summary>
    bool FanInFanOut { get; }
}

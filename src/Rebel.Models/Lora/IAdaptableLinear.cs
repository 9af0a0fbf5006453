using Rebel.Tensors;

namespace Rebel.Models.Lora;

/// <summary>
/// A linear map y = W·x (+ b) that can carry a LoRA adapter: its forward adds <see cref="LoraLayer.Forward"/> when
/// <see cref="Adapter"/> is set, in the differentiable path and in the cached inference path alike.
/// </summary>
public interface IAdaptableLinear
{
    /// <summary>in, the width of x.</summary>
    int InputSize { get; }

    /// <summary>out, the width of y.</summary>
    int OutputSize { get; }

    /// <summary>W as stored: [out, in] like PyTorch's <c>nn.Linear</c>, or [in, out] when <see cref="WeightIsTransposed"/>.</summary>
    Tensor Weight { get; }

    /// <summary>True when <see cref="Weight"/> is stored [in, out] (GPT-2's Conv1D; PEFT's <c>fan_in_fan_out</c>).</summary>
    bool WeightIsTransposed { get; }

    /// <summary>The adapter added to this map, or null.</summary>
    LoraLayer? Adapter { get; set; }
}

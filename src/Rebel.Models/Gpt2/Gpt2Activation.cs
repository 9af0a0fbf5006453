namespace Rebel.Models.Gpt2;

/// <summary>The MLP nonlinearity of a GPT-2 block (<c>activation_function</c> in config.json).</summary>
public enum Gpt2Activation
{
    /// <summary>GELU in tanh form, ½x(1 + tanh(√(2/π)(x + 0.044715x³))): HF names <c>gelu_new</c>,
    /// <c>gelu_pytorch_tanh</c>, <c>gelu_fast</c>. Every released GPT-2 checkpoint uses it.</summary>
    GeluTanh,

    /// <summary>max(x, 0): HF name <c>relu</c>.</summary>
    Relu,
}

namespace Rebel.Judges.Onnx;

/// <summary>Where ONNX Runtime runs an exported judge.</summary>
public enum OnnxExecutionProvider
{
    /// <summary>ONNX Runtime's CPU provider (the default).</summary>
    Cpu,

    /// <summary>The CUDA provider; it needs the CUDA 13 runtime and cuDNN 9 on the machine and never falls back to CPU.</summary>
    Cuda,
}

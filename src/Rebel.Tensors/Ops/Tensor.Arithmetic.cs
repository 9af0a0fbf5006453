using System.Numerics.Tensors;
using Rebel.Tensors.Kernels;

namespace Rebel.Tensors;

// Elementwise arithmetic with NumPy broadcasting, and scalar arithmetic.
public sealed partial class Tensor
{
    /// <summary>a + b, broadcasting. ∂/∂a = g, ∂/∂b = g (summed over broadcast axes).</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        var y = BinaryForward(BinaryOp.Add, a, b, "Add");
        if (!Records(a, b)) return y;
        return y.Record("Add", [a, b], g =>
        {
            AccumulateGrad(a, g);
            AccumulateGrad(b, g);
        });
    }

    /// <summary>a − b, broadcasting. ∂/∂a = g, ∂/∂b = −g.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        var y = BinaryForward(BinaryOp.Subtract, a, b, "Subtract");
        if (!Records(a, b)) return y;
        return y.Record("Subtract", [a, b], g =>
        {
            AccumulateGrad(a, g);
            if (b.RequiresGrad) AccumulateGrad(b, g.Scale(-1f));
        });
    }

    /// <summary>a ⊙ b, broadcasting. ∂/∂a = g ⊙ b, ∂/∂b = g ⊙ a.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        var y = BinaryForward(BinaryOp.Multiply, a, b, "Multiply");
        if (!Records(a, b)) return y;
        return y.Record("Multiply", [a, b], g =>
        {
            if (a.RequiresGrad) AccumulateGrad(a, BinaryForward(BinaryOp.Multiply, g, b, "Multiply"));
            if (b.RequiresGrad) AccumulateGrad(b, BinaryForward(BinaryOp.Multiply, g, a, "Multiply"));
        });
    }

    /// <summary>a ⊘ b, broadcasting. ∂/∂a = g ⊘ b, ∂/∂b = −g ⊙ a ⊘ b².</summary>
    public static Tensor Divide(Tensor a, Tensor b)
    {
        var y = BinaryForward(BinaryOp.Divide, a, b, "Divide");
        if (!Records(a, b)) return y;
        return y.Record("Divide", [a, b], g =>
        {
            var gOverB = BinaryForward(BinaryOp.Divide, g, b, "Divide");
            if (a.RequiresGrad) AccumulateGrad(a, gOverB);
            if (b.RequiresGrad) AccumulateGrad(b, BinaryForward(BinaryOp.Multiply, gOverB, y, "Multiply").Scale(-1f)); // −g·a/b² = −(g/b)·y
        });
    }

    /// <summary>a + b.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>a − b.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);

    /// <summary>a ⊙ b (elementwise).</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);

    /// <summary>a ⊘ b (elementwise).</summary>
    public static Tensor operator /(Tensor a, Tensor b) => Divide(a, b);

    /// <summary>a + s.</summary>
    public static Tensor operator +(Tensor a, float s) => a.AddScalar(s);

    /// <summary>a − s.</summary>
    public static Tensor operator -(Tensor a, float s) => a.AddScalar(-s);

    /// <summary>s ⊙ a.</summary>
    public static Tensor operator *(Tensor a, float s) => a.Scale(s);

    /// <summary>s ⊙ a.</summary>
    public static Tensor operator *(float s, Tensor a) => a.Scale(s);

    /// <summary>a / s.</summary>
    public static Tensor operator /(Tensor a, float s) => a.Scale(1f / s);

    /// <summary>−a.</summary>
    public static Tensor operator -(Tensor a) => a.Scale(-1f);

    /// <summary>this + s. ∂/∂x = g.</summary>
    public Tensor AddScalar(float s)
    {
        var x = Contiguous();
        var y = Empty(ShapeArray, clear: false);
        TensorPrimitives.Add(x.AsSpan(), s, y.AsSpan());
        if (!Records(this)) return y;
        return y.Record("AddScalar", [this], g => AccumulateGrad(this, g));
    }

    /// <summary>s · this. ∂/∂x = s·g.</summary>
    public Tensor Scale(float s)
    {
        var x = Contiguous();
        var y = Empty(ShapeArray, clear: false);
        TensorPrimitives.Multiply(x.AsSpan(), s, y.AsSpan());
        if (!Records(this)) return y;
        return y.Record("Scale", [this], g => AccumulateGrad(this, g.Scale(s)));
    }

    /// <summary>Elementwise op over the broadcast shape of a and b into a new contiguous tensor (not recorded).</summary>
    internal static Tensor BinaryForward(BinaryOp op, Tensor a, Tensor b, string name)
    {
        a.CheckAlive(); b.CheckAlive();
        var shape = ShapeMath.SameShape(a.Dims, b.Dims) ? a.ShapeArray : ShapeMath.Broadcast(a.Dims, b.Dims, name);
        var y = Empty(shape, clear: false);
        StridedKernels.Binary(op, shape,
            a.Data, a.Offset, ShapeMath.BroadcastStrides(a.Dims, a.Strides, shape),
            b.Data, b.Offset, ShapeMath.BroadcastStrides(b.Dims, b.Strides, shape),
            y.Data, 0, y.Strides);
        return y;
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Plugins.Svq;

/// <summary>
/// The regression-weight network of the official SVQ code (<c>MLPProjection</c>): tokens (…, C) →
/// weights (…, N). Nonlinear: <c>linear_proj</c> C→h, ReLU (or identity), <c>linear_proj2</c> h→N,
/// optional ReLU. Linear: a single <c>linear_proj</c> C→N. Field names are the state-dict keys.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class MLPProjection : nn.Module<Tensor, Tensor>
{
    private readonly bool _nonlinear;
    private readonly bool _hiddenRelu;
    private readonly bool _outputRelu;

    // Field names are the reference state-dict keys.
    private readonly Linear linear_proj;
    private readonly Linear? linear_proj2;

    public MLPProjection(int inputDim, int codebookSize, int hidden, bool nonlinear, bool hiddenRelu, bool outputRelu)
        : base(nameof(MLPProjection))
    {
        _nonlinear = nonlinear;
        _hiddenRelu = hiddenRelu;
        _outputRelu = outputRelu;
        if (nonlinear)
        {
            linear_proj = nn.Linear(inputDim, hidden);
            linear_proj2 = nn.Linear(hidden, codebookSize);
        }
        else
        {
            linear_proj = nn.Linear(inputDim, codebookSize);
        }

        RegisterComponents();
    }

    /// <summary>True when the weights are an affine function of <see cref="Features"/> (no ReLU after the last layer).</summary>
    public bool IsAffineAfterFeatures => !(_nonlinear && _outputRelu);

    /// <summary>True for the two-layer MLP, false for one Linear C→N.</summary>
    public bool IsNonlinear => _nonlinear;

    /// <summary>ReLU after the first layer (nonlinear only).</summary>
    public bool HasHiddenRelu => _hiddenRelu;

    /// <summary>ReLU after the last layer (nonlinear only; the weights are then not affine in the features).</summary>
    public bool HasOutputRelu => _nonlinear && _outputRelu;

    /// <summary>The first linear layer (C→h, or C→N when linear).</summary>
    public Linear First => linear_proj;

    /// <summary>The last linear layer (the one producing the N weights).</summary>
    public Linear Last => linear_proj2 ?? linear_proj;

    /// <summary>What the last linear layer sees: the hidden activations, or the tokens themselves when linear.</summary>
    public Tensor Features(Tensor tokens)
    {
        if (!_nonlinear)
        {
            return tokens.alias();
        }

        using var scope = NewDisposeScope();
        var h = linear_proj.forward(tokens);
        if (_hiddenRelu)
        {
            h = nn.functional.relu(h);
        }

        return h.MoveToOuterDisposeScope();
    }

    /// <summary>The regression weights (…, N), in the reference order of operations.</summary>
    public override Tensor forward(Tensor tokens)
    {
        using var scope = NewDisposeScope();
        var w = Last.forward(Features(tokens));
        if (_nonlinear && _outputRelu)
        {
            w = nn.functional.relu(w);
        }

        return w.MoveToOuterDisposeScope();
    }
}

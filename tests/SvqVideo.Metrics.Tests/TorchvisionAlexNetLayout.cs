using TorchSharp.Modules;
using static TorchSharp.torch;

namespace SvqVideo.Metrics.Tests;

/// <summary>
/// A module with torchvision AlexNet's key layout (<c>features.0..12</c>, <c>classifier.*</c>), used to
/// write a trunk file the way torchvision ships it. The classifier is shrunk (the real one holds 58 M
/// parameters); LPIPS ignores it either way.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Style", "IDE1006", Justification = "Submodule, parameter and buffer fields carry the PyTorch state-dict names; RegisterComponents() derives the keys from them.")]
internal sealed class TorchvisionAlexNetLayout : nn.Module
{
    private readonly Sequential features;
    private readonly Sequential classifier;

    public TorchvisionAlexNetLayout() : base("AlexNet")
    {
        features = nn.Sequential(
            nn.Conv2d(3, 64, 11, stride: 4, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(64, 192, 5, padding: 2), nn.ReLU(), nn.MaxPool2d(3, 2),
            nn.Conv2d(192, 384, 3, padding: 1), nn.ReLU(),
            nn.Conv2d(384, 256, 3, padding: 1), nn.ReLU(),
            nn.Conv2d(256, 256, 3, padding: 1), nn.ReLU(), nn.MaxPool2d(3, 2));
        classifier = nn.Sequential(nn.Dropout(0.5), nn.Linear(8, 4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2));
        RegisterComponents();
    }
}

using SvqVideo.Torch;
using static TorchSharp.torch;

namespace SvqVideo.Onnx.Tests;

/// <summary>Small SimVP models built through the plugin catalog, and a few training steps on moving squares.</summary>
internal static class SmallModels
{
    public const int Frames = 4;
    public const int Size = 16;
    public const int HidS = 8;

    public static ModelConfig Config(string modelType = "gSTA", bool residual = false, int channels = 1, bool warp = false, bool flowPrior = false)
    {
        var config = Plugins.Catalog.GetModel("simvp").DefaultConfig(Frames, Frames, channels, Size, Size)
            .With("hid_S", HidS).With("hid_T", 16).With("N_S", 2).With("N_T", 2)
            .With("model_type", modelType).With("mlp_ratio", 2.0).With("residual", residual || warp).With("warp", warp);
        // A warp model at the fit preset's scale, not the default, so the graph's flow scale is checked too.
        config = flowPrior ? config.With("flow_prior", true) : config;
        return warp ? config.With("warp_scale", 16.0) : config;
    }

    /// <summary>A freshly initialised model with quantizer <paramref name="kind"/> (null: none), in eval mode.</summary>
    public static IForecastModel Create(string? kind, string modelType = "gSTA", bool residual = false, int seed = 3, int channels = 1, bool warp = false, bool flowPrior = false)
    {
        manual_seed(seed);
        var quantizer = kind is null ? null : Plugins.Catalog.GetQuantizer(kind).Create(ReferenceModels.SmallOptions(kind, HidS));
        var model = Plugins.Catalog.GetModel("simvp").Create(Config(modelType, residual, channels, warp, flowPrior), quantizer);
        model.Module.eval();
        return model;
    }

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="steps"/> Adam steps (L1 + the quantizer's aux loss) on
    /// moving squares, so its weights, BatchNorm statistics and EMA codebooks are those of a trained model, then
    /// switches it to eval mode.
    /// </summary>
    public static void Train(IForecastModel model, int steps, int seed = 11)
    {
        var c = model.Config;
        model.Module.train();
        using var optimizer = optim.Adam(model.Module.parameters(), lr: 2e-3);
        for (int step = 0; step < steps; step++)
        {
            using var scope = NewDisposeScope();
            var clip = MovingSquares(4, c.FramesIn + c.FramesOut, c.Channels, c.Height, seed + step);
            var (x, y) = (clip.narrow(1, 0, c.FramesIn), clip.narrow(1, c.FramesIn, c.FramesOut));
            var output = model.Forward(x);
            var loss = nn.functional.l1_loss(output.Prediction.narrow(1, 0, c.FramesOut), y) + output.AuxLoss;
            optimizer.zero_grad();
            loss.backward();
            optimizer.step();
        }

        model.Module.eval();
    }

    /// <summary>(B, T, C, S, S) clips of a bright square moving with a per-clip velocity over a dim background, values in [0, 1].</summary>
    public static Tensor MovingSquares(int batch, int frames, int channels, int size, int seed)
    {
        var rng = new Random(seed);
        var data = new float[batch * frames * channels * size * size];
        for (int b = 0; b < batch; b++)
        {
            int x0 = rng.Next(size / 2), y0 = rng.Next(size / 2), vx = rng.Next(1, 3), vy = rng.Next(0, 2), side = Math.Max(2, size / 4);
            for (int t = 0; t < frames; t++)
            {
                for (int ch = 0; ch < channels; ch++)
                {
                    int offset = (((b * frames) + t) * channels + ch) * size * size;
                    Array.Fill(data, 0.1f, offset, size * size);
                    for (int y = 0; y < side; y++)
                    {
                        for (int x = 0; x < side; x++)
                        {
                            data[offset + ((((y0 + (vy * t) + y) % size) * size) + ((x0 + (vx * t) + x) % size))] = 0.9f;
                        }
                    }
                }
            }
        }

        return tensor(data, [batch, frames, channels, size, size]);
    }
}

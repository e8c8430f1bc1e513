using System.Globalization;
using System.Text.Json.Nodes;
using SvqVideo.Metrics;

namespace SvqVideo.Cli;

/// <summary>
/// A model's MSE against the two forecasts every model must beat: copying the last context frame, and a blank frame
/// (each clip's mean context colour everywhere). Every report shows both; a model that loses to either gets a warning.
/// </summary>
internal sealed record BaselineVerdict(double ModelMse, double CopyLastMse, double BlankMse)
{
    public static BaselineVerdict Of(MetricReport model, MetricReport copyLast, MetricReport blank) =>
        new(model.Metrics[MetricNames.Mse].Mean, copyLast.Metrics[MetricNames.Mse].Mean, blank.Metrics[MetricNames.Mse].Mean);

    public bool BeatsCopyLast => ModelMse < CopyLastMse;

    public bool BeatsBlank => ModelMse < BlankMse;

    /// <summary>The warning to print, or null when the model beats both.</summary>
    public string? Warning
    {
        get
        {
            string F(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
            return (BeatsCopyLast, BeatsBlank) switch
            {
                (true, true) => null,
                (false, false) => $"the model beats neither baseline: MSE {F(ModelMse)} against copy-last-frame {F(CopyLastMse)} and blank frame {F(BlankMse)}",
                (true, false) => $"the model does not beat a blank frame: MSE {F(ModelMse)} against {F(BlankMse)} (copy-last-frame {F(CopyLastMse)})",
                (false, true) => $"the model does not beat copying the last frame: MSE {F(ModelMse)} against {F(CopyLastMse)} (blank frame {F(BlankMse)})",
            };
        }
    }

    /// <summary><c>{"mse": …, "copy_last_frame_mse": …, "blank_frame_mse": …, "beats_copy_last_frame": …, "beats_blank_frame": …, "warning": …}</c>.</summary>
    public JsonObject ToJson() => new()
    {
        ["mse"] = ModelMse,
        ["copy_last_frame_mse"] = CopyLastMse,
        ["blank_frame_mse"] = BlankMse,
        ["beats_copy_last_frame"] = BeatsCopyLast,
        ["beats_blank_frame"] = BeatsBlank,
        ["warning"] = Warning,
    };
}

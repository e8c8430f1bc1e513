namespace SvqVideo.Plugins.SimVP;

/// <summary>Where SimVP's quantizer sits (SVQ-Forecasting's <c>post_vq</c> flag).</summary>
public enum QuantizerPlacement
{
    /// <summary>Between the encoder and the translator (<c>post_vq=False</c>, the paper's default).</summary>
    Pre,

    /// <summary>After the translator, before the decoder (<c>post_vq=True</c>).</summary>
    Post,
}

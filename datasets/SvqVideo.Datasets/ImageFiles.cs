using OpenCvSharp;

namespace SvqVideo.Datasets;

/// <summary>Reads one image file through OpenCV into a <see cref="FrameFormat"/>, with one-line errors naming the file.</summary>
internal static class ImageFiles
{
    public static void Decode(string path, FrameFormat format, Span<byte> destination)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DatasetException($"image not found: {path}; check the dataset layout", path);
        }

        if (info.Length == 0)
        {
            throw new DatasetException($"image file is empty: {path}; replace it with a valid image", path);
        }

        using var mat = Cv2.ImRead(path, format.Channels == 1 ? ImreadModes.Grayscale : ImreadModes.Color);
        if (mat.Empty())
        {
            throw new DatasetException($"cannot decode image {path} (corrupt or not an image); replace it with a valid image", path);
        }

        FrameConverter.ToFormat(mat, format, destination);
    }
}

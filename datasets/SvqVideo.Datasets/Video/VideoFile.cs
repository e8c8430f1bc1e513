namespace SvqVideo.Datasets.Video;

/// <summary>Whole-file video reading through OpenCV (see <see cref="VideoFrameReader"/> to stream).</summary>
public static class VideoFile
{
    /// <summary>Native size, frame rate and the frame count found by decoding every frame.</summary>
    /// <exception cref="DatasetException">The file is missing, empty, not a decodable video or has no frames.</exception>
    public static VideoInfo Probe(string path)
    {
        using var reader = VideoFrameReader.Open(path, new VideoReadOptions { Channels = 3, ChannelOrder = ChannelOrder.Bgr });
        var buffer = new byte[reader.Format.FrameBytes];
        while (reader.ReadFrame(buffer))
        {
        }

        return new VideoInfo(reader.Path, reader.NativeWidth, reader.NativeHeight, reader.Fps, reader.FramesRead);
    }

    /// <summary>
    /// Decodes every kept frame of <paramref name="path"/> into one T×C×H×W clip in [0, 1]. The whole video is held in
    /// memory (twice while it is assembled), so this is for short clips; for videos of any length read a bounded part
    /// with <see cref="VideoWindow.Read"/>, or stream the frames with <see cref="VideoFrameReader"/>.
    /// </summary>
    /// <exception cref="DatasetException">The file is missing, empty, not a decodable video or has no frames, or its frames
    /// would hold more values than one clip can (<see cref="FrameClip.MaxValues"/>).</exception>
    public static VideoClip ReadAll(string path, VideoReadOptions? options = null)
    {
        using var reader = VideoFrameReader.Open(path, options);
        int frameValues = reader.Format.FrameBytes;
        var frames = new List<float[]>();
        while (true)
        {
            if ((frames.Count + 1L) * frameValues > FrameClip.MaxValues)
            {
                throw new DatasetException($"{reader.Path} has more frames than one clip holds at {reader.Format.Width}x{reader.Format.Height}x{reader.Format.Channels} ({frames.Count} fit); read a part of it (a window, or MaxFrames) or at a smaller size", reader.Path);
            }

            var frame = new float[frameValues];
            if (!reader.ReadFrame(frame))
            {
                break;
            }

            frames.Add(frame);
        }

        var data = new float[(long)frames.Count * frameValues];
        for (int i = 0; i < frames.Count; i++)
        {
            frames[i].CopyTo(data, (long)i * frameValues);
        }

        var f = reader.Format;
        return new VideoClip(reader.Path, new FrameClip(data, frames.Count, f.Channels, f.Height, f.Width), reader.Fps)
        {
            NativeWidth = reader.NativeWidth,
            NativeHeight = reader.NativeHeight,
        };
    }
}

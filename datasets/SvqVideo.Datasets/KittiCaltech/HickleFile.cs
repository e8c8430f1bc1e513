using PureHDF;
using PureHDF.Selections;
using PureHDF.VOL.Native;

namespace SvqVideo.Datasets.KittiCaltech;

/// <summary>
/// Reads PredNet's hickle (HDF5) files with PureHDF. Hickle versions store the array under different
/// paths (<c>/data_0</c>, <c>/data</c>, …), so the datasets are found by shape and type instead of by name.
/// </summary>
internal static class HickleFile
{
    /// <summary>The largest uint8 N×H×W×3 dataset of <paramref name="path"/>: (dataset handle, file) for chunked reading.</summary>
    public static (NativeFile File, IH5Dataset Frames, int Count, int Height, int Width) OpenFrames(string path)
    {
        var file = Open(path);
        try
        {
            var frames = Datasets(file)
                .Where(d => d.Space.Rank == 4 && d.Space.Dimensions[3] == 3 && d.Type.Class == H5DataTypeClass.FixedPoint && d.Type.Size == 1)
                .OrderByDescending(d => d.Space.Dimensions[0])
                .FirstOrDefault()
                ?? throw new DatasetException($"{path} holds no uint8 N×H×W×3 frame array; give PredNet's X_*.hkl file", path);
            var dims = frames.Space.Dimensions;
            return (file, frames, checked((int)dims[0]), checked((int)dims[1]), checked((int)dims[2]));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>Reads frames [start, start + count) as uint8 count×H×W×3.</summary>
    public static byte[] ReadFrames(IH5Dataset frames, int start, int count, int height, int width)
    {
        var selection = new HyperslabSelection(4, [(ulong)start, 0, 0, 0], [(ulong)count, (ulong)height, (ulong)width, 3]);
        ulong total = (ulong)count * (ulong)height * (ulong)width * 3;
        var buffer = new byte[total];
        frames.Read(buffer, fileSelection: selection, memoryDims: [total]);
        return buffer;
    }

    /// <summary>The per-frame source ids of a sources_*.hkl file, as strings (string or integer arrays are accepted).</summary>
    public static string[] ReadSources(string path)
    {
        using var file = Open(path);
        try
        {
            var ids = Datasets(file).Where(d => d.Space.Rank == 1).OrderByDescending(d => d.Space.Dimensions[0]).ToList();
            foreach (var d in ids)
            {
                switch (d.Type.Class)
                {
                    case H5DataTypeClass.String:
                    case H5DataTypeClass.VariableLength:
                        return [.. d.Read<string[]>().Select(s => s.TrimEnd('\0', ' '))];
                    case H5DataTypeClass.FixedPoint when d.Type.Size == 8:
                        return [.. d.Read<long[]>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))];
                    case H5DataTypeClass.FixedPoint when d.Type.Size == 4:
                        return [.. d.Read<int[]>().Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture))];
                }
            }
        }
        catch (Exception e) when (e is not DatasetException and not OutOfMemoryException)
        {
            throw new DatasetException($"cannot read the source ids in {path} ({e.Message}); give PredNet's sources_*.hkl file", path, e);
        }

        throw new DatasetException($"{path} holds no 1-D array of source ids; give PredNet's sources_*.hkl file", path);
    }

    private static NativeFile Open(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DatasetException($"KITTI file not found: {path}; put PredNet's kitti_hkl files (X_train.hkl, sources_train.hkl, X_val.hkl, sources_val.hkl) there", path);
        }

        if (info.Length == 0)
        {
            throw new DatasetException($"KITTI file is empty: {path}; download it again", path);
        }

        try
        {
            return H5File.OpenRead(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new DatasetException($"{path} is not a readable HDF5/hickle file ({e.Message}); download it again", path, e);
        }
    }

    private static IEnumerable<IH5Dataset> Datasets(IH5Group group)
    {
        foreach (var child in group.Children())
        {
            if (child is IH5Dataset d)
            {
                yield return d;
            }
            else if (child is IH5Group g)
            {
                foreach (var inner in Datasets(g))
                {
                    yield return inner;
                }
            }
        }
    }
}

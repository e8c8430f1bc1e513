using System.Runtime.CompilerServices;
using SvqVideo.Datasets;

// These types moved to the dependency-free SvqVideo.Data assembly (same namespace), so training needs no OpenCV.
// Assemblies compiled when they lived here still find them.
[assembly: TypeForwardedTo(typeof(IClipDataset))]
[assembly: TypeForwardedTo(typeof(ClipBatch))]
[assembly: TypeForwardedTo(typeof(ClipBatchLoader))]
[assembly: TypeForwardedTo(typeof(ClipBatchLoaderOptions))]

namespace SvqVideo;

/// <summary>A type only the fake SDK 2 has.</summary>
public interface IFutureContract
{
    string Name { get; }
}

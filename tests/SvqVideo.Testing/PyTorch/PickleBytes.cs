using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SvqVideo.Testing.PyTorch;

/// <summary>
/// Emits pickle protocol-2 opcodes the way Python's pickler does, for crafting PyTorch files in tests. Each
/// pickle (from <see cref="Proto"/> to <see cref="Stop"/>) has its own memo, as separate <c>pickle.dump</c> calls do.
/// </summary>
public sealed class PickleBytes
{
    private readonly ArrayBufferWriter<byte> _out = new();
    private int _memo;

    /// <summary>PROTO 2; starts a new memo.</summary>
    public void Proto()
    {
        _memo = 0;
        Raw(0x80, 2);
    }

    /// <summary>STOP.</summary>
    public void Stop() => Raw('.');

    /// <summary>Raw bytes (opcodes and their arguments).</summary>
    public void Raw(params int[] bytes)
    {
        foreach (var b in bytes)
        {
            _out.Write([(byte)b]);
        }
    }

    /// <summary>One opcode.</summary>
    public void Raw(char op) => _out.Write([(byte)op]);

    /// <summary>A BINUNICODE string, memoised.</summary>
    public void Str(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        Raw('X');
        Span<byte> len = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(len, bytes.Length);
        _out.Write(len);
        _out.Write(bytes);
        Put();
    }

    /// <summary>The smallest integer opcode for <paramref name="v"/> (BININT1, BININT2 or BININT).</summary>
    public void BinInt(long v)
    {
        if (v is >= 0 and < 256)
        {
            Raw('K', (int)v);
        }
        else if (v is >= 0 and < 65536)
        {
            Raw('M', (int)(v & 0xff), (int)(v >> 8));
        }
        else
        {
            Raw('J');
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, checked((int)v));
            _out.Write(b);
        }
    }

    /// <summary>A tuple of integers (TUPLE1/2/3 or MARK … TUPLE), memoised unless empty.</summary>
    public void Tuple(long[] values)
    {
        if (values.Length is 0)
        {
            Raw(')');
            return;
        }

        if (values.Length > 3)
        {
            Raw('(');
        }

        foreach (var v in values)
        {
            BinInt(v);
        }

        Raw(values.Length switch { 1 => 0x85, 2 => 0x86, 3 => 0x87, _ => 't' });
        Put();
    }

    /// <summary>GLOBAL module.name, memoised; returns its memo index.</summary>
    public int Global(string module, string name)
    {
        Raw('c');
        _out.Write(Encoding.ASCII.GetBytes(module + "\n" + name + "\n"));
        return Put();
    }

    /// <summary>BINPUT/LONG_BINPUT of the top of the stack; returns the memo index.</summary>
    public int Put()
    {
        Memo(_memo < 256 ? 'q' : 'r', _memo);
        return _memo++;
    }

    /// <summary>BINGET/LONG_BINGET of <paramref name="memo"/>; returns it.</summary>
    public int Get(int memo)
    {
        Memo(memo < 256 ? 'h' : 'j', memo);
        return memo;
    }

    /// <summary>Everything emitted so far.</summary>
    public byte[] ToArray() => _out.WrittenSpan.ToArray();

    private void Memo(char op, int index)
    {
        Raw(op);
        if (index < 256)
        {
            Raw(index);
        }
        else
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32LittleEndian(b, index);
            _out.Write(b);
        }
    }
}

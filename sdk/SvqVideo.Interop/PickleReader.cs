using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace SvqVideo.Interop;

/// <summary>
/// A restricted pickle parser for the data structures torch writes: it understands the opcodes of
/// protocols 0–4 that build plain values (None, bools, ints, floats, strings, bytes, tuples, lists,
/// dicts) and accepts a short whitelist of globals, which are never imported or called: a REDUCE on
/// one of them builds a data record (<see cref="PickleCall"/>) that the caller interprets. Persistent
/// ids are handed to a callback. Anything else — unknown opcodes, other globals, object
/// construction — is rejected with <see cref="InvalidDataException"/>. This is what makes reading a PyTorch
/// file safe: a pickle that would run code in Python (any other global, INST/OBJ/NEWOBJ, extension codes) is
/// refused before anything of it is used.
/// </summary>
internal sealed class PickleReader
{
    /// <summary>Globals a torch state dict may reference. Nothing outside this list is accepted.</summary>
    private static readonly HashSet<string> AllowedGlobals = new(StringComparer.Ordinal)
    {
        "collections.OrderedDict", "torch._utils._rebuild_tensor", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.BFloat16Storage", "torch.LongStorage",
        "torch.IntStorage", "torch.ShortStorage", "torch.CharStorage", "torch.ByteStorage", "torch.BoolStorage",
    };

    private const int MaxDepth = 100_000;

    private readonly Stream _stream;
    private readonly string _source;
    private readonly Func<object?, object?> _persistentLoad;

    public PickleReader(Stream stream, string source, Func<object?, object?> persistentLoad)
    {
        _stream = stream;
        _source = source;
        _persistentLoad = persistentLoad;
    }

    /// <summary>A global (module.name) referenced by the pickle; a marker only, never resolved.</summary>
    internal sealed record PickleGlobal(string Module, string Name)
    {
        public string FullName => Module + "." + Name;
    }

    /// <summary>A REDUCE of a whitelisted global with its arguments, left for the caller to interpret.</summary>
    internal sealed record PickleCall(PickleGlobal Function, object?[] Arguments);

    /// <summary>An ordered dict (Python dict and OrderedDict preserve insertion order).</summary>
    internal sealed class PickleDict
    {
        public List<KeyValuePair<object?, object?>> Items { get; } = [];

        public void Set(object? key, object? value)
        {
            int i = Items.FindIndex(kv => Equals(kv.Key, key));
            if (i >= 0)
            {
                Items[i] = new(key, value);
            }
            else
            {
                Items.Add(new(key, value));
            }
        }
    }

    private sealed class Mark
    {
        public static readonly Mark Instance = new();
    }

    /// <summary>Parses one pickle (up to and including its STOP opcode) and returns the object it builds.</summary>
    public object? Load()
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        while (true)
        {
            long offset = _stream.Position;
            int op = _stream.ReadByte();
            if (op < 0)
            {
                throw Error("file ends inside a pickle (truncated)");
            }

            if (stack.Count > MaxDepth)
            {
                throw Error("pickle stack too deep");
            }

            switch (op)
            {
                case 0x80: // PROTO
                    ReadBytes(1);
                    break;
                case 0x95: // FRAME
                    ReadBytes(8);
                    break;
                case '.': // STOP
                    if (stack.Count != 1)
                    {
                        throw Error($"pickle ends with {stack.Count} values on the stack");
                    }

                    return stack[0];
                case '(':
                    stack.Add(Mark.Instance);
                    break;
                case 'N':
                    stack.Add(null);
                    break;
                case 0x88:
                    stack.Add(true);
                    break;
                case 0x89:
                    stack.Add(false);
                    break;
                case 'J': // BININT
                    stack.Add((long)BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4)));
                    break;
                case 'K': // BININT1
                    stack.Add((long)ReadBytes(1)[0]);
                    break;
                case 'M': // BININT2
                    stack.Add((long)BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(2)));
                    break;
                case 0x8a: // LONG1
                    stack.Add(ToInteger(ReadBytes(ReadBytes(1)[0])));
                    break;
                case 0x8b: // LONG4
                    stack.Add(ToInteger(ReadBytes(ReadLength(4))));
                    break;
                case 'G': // BINFLOAT (big-endian)
                    stack.Add(BinaryPrimitives.ReadDoubleBigEndian(ReadBytes(8)));
                    break;
                case 'X': // BINUNICODE
                    stack.Add(Encoding.UTF8.GetString(ReadBytes(ReadLength(4))));
                    break;
                case 0x8c: // SHORT_BINUNICODE
                    stack.Add(Encoding.UTF8.GetString(ReadBytes(ReadBytes(1)[0])));
                    break;
                case 0x8d: // BINUNICODE8
                    stack.Add(Encoding.UTF8.GetString(ReadBytes(ReadLength(8))));
                    break;
                case 'T': // BINSTRING (Python 2 str)
                    stack.Add(Encoding.Latin1.GetString(ReadBytes(ReadLength(4))));
                    break;
                case 'U': // SHORT_BINSTRING
                    stack.Add(Encoding.Latin1.GetString(ReadBytes(ReadBytes(1)[0])));
                    break;
                case 'B': // BINBYTES
                    stack.Add(ReadBytes(ReadLength(4)));
                    break;
                case 'C': // SHORT_BINBYTES
                    stack.Add(ReadBytes(ReadBytes(1)[0]));
                    break;
                case ')':
                    stack.Add(Array.Empty<object?>());
                    break;
                case 't':
                    stack.Add(PopToMark(stack).ToArray());
                    break;
                case 0x85:
                    stack.Add(new[] { Pop(stack) });
                    break;
                case 0x86:
                    {
                        var b = Pop(stack);
                        var a = Pop(stack);
                        stack.Add(new[] { a, b });
                        break;
                    }

                case 0x87:
                    {
                        var c = Pop(stack);
                        var b = Pop(stack);
                        var a = Pop(stack);
                        stack.Add(new[] { a, b, c });
                        break;
                    }

                case ']':
                    stack.Add(new List<object?>());
                    break;
                case 'l':
                    stack.Add(PopToMark(stack));
                    break;
                case 'a':
                    {
                        var item = Pop(stack);
                        AsList(Peek(stack)).Add(item);
                        break;
                    }

                case 'e':
                    {
                        var items = PopToMark(stack);
                        AsList(Peek(stack)).AddRange(items);
                        break;
                    }

                case '}':
                    stack.Add(new PickleDict());
                    break;
                case 'd':
                    {
                        var items = PopToMark(stack);
                        var dict = new PickleDict();
                        AddPairs(dict, items);
                        stack.Add(dict);
                        break;
                    }

                case 's':
                    {
                        var value = Pop(stack);
                        var key = Pop(stack);
                        AsDict(Peek(stack)).Set(key, value);
                        break;
                    }

                case 'u':
                    {
                        var items = PopToMark(stack);
                        AddPairs(AsDict(Peek(stack)), items);
                        break;
                    }

                case 'c': // GLOBAL
                    stack.Add(Global(ReadLine(), ReadLine()));
                    break;
                case 0x93: // STACK_GLOBAL
                    {
                        var name = Pop(stack) as string ?? throw Error("STACK_GLOBAL without a name");
                        var module = Pop(stack) as string ?? throw Error("STACK_GLOBAL without a module");
                        stack.Add(Global(module, name));
                        break;
                    }

                case 'R': // REDUCE
                    {
                        var args = Pop(stack) as object?[] ?? throw Error("REDUCE arguments are not a tuple");
                        var function = Pop(stack) as PickleGlobal ?? throw Error("REDUCE of something that is not a known global");
                        stack.Add(function.FullName == "collections.OrderedDict" ? NewOrderedDict(args) : new PickleCall(function, args));
                        break;
                    }

                case 'b': // BUILD: only the instance-attribute state of a state dict (its _metadata) is expected.
                    {
                        Pop(stack);
                        if (Peek(stack) is not PickleDict)
                        {
                            throw Error("BUILD on something other than a dict (only state dicts are read)");
                        }

                        break;
                    }

                case 'Q': // BINPERSID
                    stack.Add(_persistentLoad(Pop(stack)));
                    break;
                case 'q':
                    memo[ReadBytes(1)[0]] = Peek(stack);
                    break;
                case 'r':
                    memo[BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))] = Peek(stack);
                    break;
                case 0x94: // MEMOIZE
                    memo[memo.Count] = Peek(stack);
                    break;
                case 'h':
                    stack.Add(Recall(memo, ReadBytes(1)[0]));
                    break;
                case 'j':
                    stack.Add(Recall(memo, BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(4))));
                    break;
                case '0':
                    Pop(stack);
                    break;
                case '1':
                    PopToMark(stack);
                    break;
                case '2':
                    stack.Add(Peek(stack));
                    break;
                default:
                    throw Error($"unsupported pickle opcode 0x{op:x2} at byte {offset} (only torch state dicts are read)");
            }
        }
    }

    private PickleGlobal Global(string module, string name)
    {
        var g = new PickleGlobal(module, name);
        if (!AllowedGlobals.Contains(g.FullName))
        {
            throw Error($"refers to '{g.FullName}', which a state dict of tensors never needs; refusing to read it (a pickled whole model, torch.save(model), cannot be read without running Python code: save model.state_dict() instead)");
        }

        return g;
    }

    private PickleDict NewOrderedDict(object?[] args)
    {
        var dict = new PickleDict();
        // OrderedDict(iterable of pairs): Python writes a list; writers such as TorchSharp.PyBridge write a tuple.
        if (args.Length == 1 && args[0] is IEnumerable<object?> pairs)
        {
            foreach (var pair in pairs)
            {
                if (pair is not object?[] { Length: 2 } kv)
                {
                    throw Error("OrderedDict argument is not a list of pairs");
                }

                dict.Set(kv[0], kv[1]);
            }
        }
        else if (args.Length != 0)
        {
            throw Error("unexpected OrderedDict arguments");
        }

        return dict;
    }

    private void AddPairs(PickleDict dict, List<object?> items)
    {
        if (items.Count % 2 != 0)
        {
            throw Error("odd number of dict items");
        }

        for (int i = 0; i < items.Count; i += 2)
        {
            dict.Set(items[i], items[i + 1]);
        }
    }

    private object? Recall(Dictionary<long, object?> memo, long key) =>
        memo.TryGetValue(key, out var v) ? v : throw Error($"memo key {key} used before it was set");

    private object? Pop(List<object?> stack)
    {
        if (stack.Count == 0 || stack[^1] is Mark)
        {
            throw Error("pickle stack underflow");
        }

        var v = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return v;
    }

    private object? Peek(List<object?> stack) =>
        stack.Count == 0 || stack[^1] is Mark ? throw Error("pickle stack underflow") : stack[^1];

    private List<object?> PopToMark(List<object?> stack)
    {
        int mark = stack.FindLastIndex(v => v is Mark);
        if (mark < 0)
        {
            throw Error("pickle has no MARK where one is needed");
        }

        var items = stack.GetRange(mark + 1, stack.Count - mark - 1);
        stack.RemoveRange(mark, stack.Count - mark);
        return items;
    }

    private List<object?> AsList(object? value) => value as List<object?> ?? throw Error("APPEND to something that is not a list");

    private PickleDict AsDict(object? value) => value as PickleDict ?? throw Error("SETITEM on something that is not a dict");

    private static object ToInteger(byte[] littleEndianTwosComplement)
    {
        var big = new BigInteger(littleEndianTwosComplement, isUnsigned: false, isBigEndian: false);
        return big >= long.MinValue && big <= long.MaxValue ? (long)big : big;
    }

    private int ReadLength(int bytes)
    {
        var raw = ReadBytes(bytes);
        long length = bytes == 4 ? BinaryPrimitives.ReadUInt32LittleEndian(raw) : BinaryPrimitives.ReadInt64LittleEndian(raw);
        if (length < 0 || length > _stream.Length - _stream.Position)
        {
            throw Error($"a pickled value claims {length} bytes, more than the file holds (truncated or corrupt)");
        }

        return (int)length;
    }

    private byte[] ReadBytes(int count)
    {
        var buffer = new byte[count];
        if (_stream.ReadAtLeast(buffer, count, throwOnEndOfStream: false) != count)
        {
            throw Error("file ends inside a pickle (truncated)");
        }

        return buffer;
    }

    private string ReadLine()
    {
        var bytes = new List<byte>();
        while (true)
        {
            int b = _stream.ReadByte();
            if (b < 0)
            {
                throw Error("file ends inside a pickle (truncated)");
            }

            if (b == '\n')
            {
                return Encoding.ASCII.GetString(bytes.ToArray());
            }

            if (bytes.Count > 256)
            {
                throw Error("GLOBAL name too long");
            }

            bytes.Add((byte)b);
        }
    }

    private InvalidDataException Error(string what) => new($"{_source}: {what}");
}

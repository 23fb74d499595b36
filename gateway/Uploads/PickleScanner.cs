using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace ModelUploads.Gateway.Uploads;

/// <summary>
/// Lists the modules that a pickle references by reading its opcodes one by one and never executing them,
/// so the host can inspect an upload without unpickling it. GLOBAL and INST name their module in their
/// argument. STACK_GLOBAL pops its module and name from the stack, so the scanner keeps a model of the
/// Unpickler's stack and memo that tracks only which slots contain strings. Each opcode's stack effect
/// follows CPython 3.11's Lib/pickle.py and Lib/pickletools.py.
/// </summary>
/// <remarks>
/// Module names are listed as written. For protocols 0 to 2, Python 3's Unpickler maps Python 2 names
/// (for example "__builtin__" to "builtins" and "copy_reg" to "copyreg") before it imports them.
/// NOTE: only modules named by GLOBAL, INST or STACK_GLOBAL are listed. cloudpickle restores a module
/// that a function uses as a global (such as numpy imported as np) by calling
/// cloudpickle.cloudpickle.subimport with the module name as a string argument. Such a module appears
/// only if the pickle also references one of its classes or functions. EXT1, EXT2 and EXT4 load a global
/// by its copyreg extension code, which names no module in the file.
/// </remarks>
internal static class PickleScanner
{
    /// <summary>The highest pickle protocol, which Python 3.8 to 3.13 read and write.</summary>
    private const int HighestProtocol = 5;

    /// <summary>
    /// The maximum length, in bytes, of a string that the stack model keeps as a possible STACK_GLOBAL
    /// module or name, and of a GLOBAL or INST module name. The scanner skips longer string payloads.
    /// </summary>
    private const int MaxTrackedStringBytes = 1024;

    /// <summary>The maximum length, in bytes, of the decimal argument of PUT and GET.</summary>
    private const int MaxDecimalArgumentBytes = 64;

    /// <summary>
    /// The maximum number of string slots that the stack model keeps. When a pickle pushes more strings
    /// without popping them, the deepest half become values of unknown type, so a STACK_GLOBAL that later
    /// pops one of them is reported as unresolved and never guessed.
    /// </summary>
    private const int MaxStackStrings = 4096;

    /// <summary>
    /// The maximum nesting depth of MARKs that the scanner accepts. CPython's pickler nests one MARK for each
    /// level of nested containers, and its recursion limit keeps real pickles far below this.
    /// </summary>
    private const int MaxMarkDepth = 100_000;

    /// <summary>
    /// The memory that memoized strings may take, as estimated by <see cref="MemoCost"/>. When the memo is
    /// over budget, later strings are not stored, and a STACK_GLOBAL that gets one of them from the memo is
    /// reported as unresolved.
    /// </summary>
    private const long MemoBudgetBytes = 64L << 20;

    /// <summary>
    /// The maximum number of memo keys outside the run of keys 0, 1, 2, and so on that is stored without
    /// gaps. CPython's pickler writes keys in that order, so only hand-made pickles have any such keys.
    /// </summary>
    private const int MaxOutOfOrderMemoKeys = 100_000;

    /// <summary>
    /// The maximum number of distinct modules that the scanner lists, so that the list cannot grow without
    /// bound. The real pickles in the tests reference at most seven, so this limit is a generous guess.
    /// </summary>
    private const int MaxModules = 10_000;

    /// <summary>The pickletools name of each opcode byte, or null for a byte that is no opcode.</summary>
    private static readonly string?[] OpcodeNames = BuildOpcodeNames();

    /// <summary>
    /// The opcodes of pickle protocols 0 to 5, named as in CPython's pickletools module, which documents
    /// each one's argument and stack effect.
    /// </summary>
    private enum Opcode : byte
    {
        INT = (byte)'I',
        BININT = (byte)'J',
        BININT1 = (byte)'K',
        BININT2 = (byte)'M',
        LONG = (byte)'L',
        LONG1 = 0x8a,
        LONG4 = 0x8b,
        STRING = (byte)'S',
        BINSTRING = (byte)'T',
        SHORT_BINSTRING = (byte)'U',
        BINBYTES = (byte)'B',
        SHORT_BINBYTES = (byte)'C',
        BINBYTES8 = 0x8e,
        BYTEARRAY8 = 0x96,
        NEXT_BUFFER = 0x97,
        READONLY_BUFFER = 0x98,
        NONE = (byte)'N',
        NEWTRUE = 0x88,
        NEWFALSE = 0x89,
        UNICODE = (byte)'V',
        SHORT_BINUNICODE = 0x8c,
        BINUNICODE = (byte)'X',
        BINUNICODE8 = 0x8d,
        FLOAT = (byte)'F',
        BINFLOAT = (byte)'G',
        EMPTY_LIST = (byte)']',
        APPEND = (byte)'a',
        APPENDS = (byte)'e',
        LIST = (byte)'l',
        EMPTY_TUPLE = (byte)')',
        TUPLE = (byte)'t',
        TUPLE1 = 0x85,
        TUPLE2 = 0x86,
        TUPLE3 = 0x87,
        EMPTY_DICT = (byte)'}',
        DICT = (byte)'d',
        SETITEM = (byte)'s',
        SETITEMS = (byte)'u',
        EMPTY_SET = 0x8f,
        ADDITEMS = 0x90,
        FROZENSET = 0x91,
        POP = (byte)'0',
        DUP = (byte)'2',
        MARK = (byte)'(',
        POP_MARK = (byte)'1',
        GET = (byte)'g',
        BINGET = (byte)'h',
        LONG_BINGET = (byte)'j',
        PUT = (byte)'p',
        BINPUT = (byte)'q',
        LONG_BINPUT = (byte)'r',
        MEMOIZE = 0x94,
        EXT1 = 0x82,
        EXT2 = 0x83,
        EXT4 = 0x84,
        GLOBAL = (byte)'c',
        STACK_GLOBAL = 0x93,
        REDUCE = (byte)'R',
        BUILD = (byte)'b',
        INST = (byte)'i',
        OBJ = (byte)'o',
        NEWOBJ = 0x81,
        NEWOBJ_EX = 0x92,
        PROTO = 0x80,
        STOP = (byte)'.',
        FRAME = 0x95,
        PERSID = (byte)'P',
        BINPERSID = (byte)'Q',
    }

    /// <summary>How the Unpickler turns a string opcode's bytes into a Python str.</summary>
    private enum TextEncoding
    {
        /// <summary>STRING, BINSTRING and SHORT_BINSTRING, with the Unpickler's default encoding.</summary>
        Ascii,

        /// <summary>UNICODE (raw-unicode-escape) when its argument contains no backslash.</summary>
        Latin1,

        /// <summary>SHORT_BINUNICODE, BINUNICODE and BINUNICODE8.</summary>
        Utf8,
    }

    /// <summary>
    /// Reads the pickle of <paramref name="length"/> bytes that starts at the stream's position, up to its
    /// STOP opcode, and returns its protocol and the modules it references. Bad input (an empty or truncated
    /// file, a byte that is no opcode, an invalid argument or stack effect) becomes a result whose
    /// <see cref="PickleScan.Error"/> names the byte offset and the opcode. An InvalidDataException that the
    /// stream itself throws, as a corrupt GZipStream does, also becomes the error, and other exceptions of
    /// the stream propagate. Large payloads are skipped with Seek when the stream can seek, else read into a
    /// fixed 64 KiB buffer and discarded. Memory stays bounded by the limits above, whatever the file's size.
    /// </summary>
    public static PickleScan Scan(Stream stream, long length)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfNegative(length);

        return new OpcodeWalker(new BufferedInput(stream, length)).Run();
    }

    /// <summary>Returns the protocol that introduced the opcode, as pickletools records it.</summary>
    private static int IntroducedIn(Opcode opcode) => opcode switch
    {
        Opcode.BININT or Opcode.BININT1 or Opcode.BININT2 or Opcode.BINSTRING or Opcode.SHORT_BINSTRING
            or Opcode.BINUNICODE or Opcode.BINFLOAT or Opcode.EMPTY_LIST or Opcode.APPENDS
            or Opcode.EMPTY_TUPLE or Opcode.EMPTY_DICT or Opcode.SETITEMS or Opcode.POP_MARK
            or Opcode.BINGET or Opcode.LONG_BINGET or Opcode.BINPUT or Opcode.LONG_BINPUT or Opcode.OBJ
            or Opcode.BINPERSID => 1,
        Opcode.LONG1 or Opcode.LONG4 or Opcode.NEWTRUE or Opcode.NEWFALSE or Opcode.TUPLE1 or Opcode.TUPLE2
            or Opcode.TUPLE3 or Opcode.EXT1 or Opcode.EXT2 or Opcode.EXT4 or Opcode.NEWOBJ
            or Opcode.PROTO => 2,
        Opcode.BINBYTES or Opcode.SHORT_BINBYTES => 3,
        Opcode.BINBYTES8 or Opcode.SHORT_BINUNICODE or Opcode.BINUNICODE8 or Opcode.EMPTY_SET
            or Opcode.ADDITEMS or Opcode.FROZENSET or Opcode.MEMOIZE or Opcode.STACK_GLOBAL
            or Opcode.NEWOBJ_EX or Opcode.FRAME => 4,
        Opcode.BYTEARRAY8 or Opcode.NEXT_BUFFER or Opcode.READONLY_BUFFER => 5,
        _ => 0,
    };

    /// <summary>Returns an estimate of the memory that a memoized string and its dictionary entry take.</summary>
    private static long MemoCost(string value) => (2L * value.Length) + 48;

    private static string?[] BuildOpcodeNames()
    {
        var names = new string?[256];
        foreach (var opcode in Enum.GetValues<Opcode>())
        {
            names[(byte)opcode] = opcode.ToString();
        }

        return names;
    }

    /// <summary>
    /// Decodes a string opcode's bytes as the Unpickler would, or returns null when the Unpickler would
    /// fail or the scanner cannot be sure of the result.
    /// </summary>
    private static string? Decode(ReadOnlySpan<byte> bytes, TextEncoding encoding) => encoding switch
    {
        TextEncoding.Ascii => Ascii.IsValid(bytes) ? Encoding.ASCII.GetString(bytes) : null,
        TextEncoding.Latin1 => Encoding.Latin1.GetString(bytes),

        // NOTE: the Unpickler decodes with errors="surrogatepass", so it also accepts encoded lone
        // surrogates, which strict UTF-8 rejects. Such a string is tracked as unknown.
        TextEncoding.Utf8 => Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : null,
        _ => throw new ArgumentOutOfRangeException(nameof(encoding), encoding, "unknown text encoding"),
    };

    /// <summary>
    /// One pass over a pickle's opcodes. The stack model stores the depth of the Unpickler's stack, the
    /// positions and values of the slots known to contain strings (every other slot contains a value of
    /// unknown type), and the stack depth at each MARK. The memo model stores the memoized strings and the
    /// set of memo keys, because MEMOIZE stores at the index equal to the memo's size.
    /// </summary>
    private sealed class OpcodeWalker(BufferedInput input)
    {
        private readonly List<string> _modules = [];
        private readonly HashSet<string> _seenModules = new(StringComparer.Ordinal);
        private readonly List<(long Position, string Value)> _stackStrings = [];
        private readonly List<long> _marks = [];
        private readonly Dictionary<long, string> _memo = [];
        private readonly HashSet<long> _outOfOrderMemoKeys = [];
        private long _depth;
        private long _contiguousMemoKeys;
        private long _memoBytes;
        private int? _declaredProtocol;
        private int _highestProtocol;
        private string _opcodeName = "";
        private long _opcodeOffset;

        /// <summary>The stack depth below which no opcode may pop: the last MARK's depth, or 0.</summary>
        private long Floor => _marks.Count > 0 ? _marks[^1] : 0;

        private long MemoCount => _contiguousMemoKeys + _outOfOrderMemoKeys.Count;

        public PickleScan Run()
        {
            if (input.Length == 0)
            {
                return Result("The file is empty, so there is no pickle opcode at byte offset 0.");
            }

            try
            {
                while (true)
                {
                    _opcodeOffset = input.Offset;
                    if (!input.TryReadByte(out var code))
                    {
                        return Result(
                            $"The pickle is truncated: the file ends at byte offset {input.EndOffset} "
                            + "before the STOP opcode.");
                    }

                    if (OpcodeNames[code] is not { } name)
                    {
                        return Result(UnknownOpcodeMessage(code));
                    }

                    _opcodeName = name;
                    var opcode = (Opcode)code;
                    _highestProtocol = Math.Max(_highestProtocol, IntroducedIn(opcode));
                    if (opcode == Opcode.STOP)
                    {
                        Pop(1);
                        return Result(null);
                    }

                    Execute(opcode);
                }
            }
            catch (EndOfStreamException)
            {
                return Result(
                    $"The pickle is truncated: {_opcodeName} at byte offset {_opcodeOffset} reads past the end "
                    + $"of the file, which is at byte offset {input.EndOffset}.");
            }
            catch (InvalidDataException exception)
            {
                return Result(exception.Message);
            }
        }

        private string UnknownOpcodeMessage(byte code) => _opcodeOffset == 0
            ? $"The file does not start like a pickle, because its first byte 0x{code:x2} at byte offset 0 "
                + "is not a pickle opcode."
            : $"Byte 0x{code:x2} at byte offset {_opcodeOffset} is not a pickle opcode, "
                + "so the file is corrupt or not a pickle.";

        private PickleScan Result(string? error) =>
            new(_declaredProtocol ?? _highestProtocol, _modules.ToArray(), error);

        /// <summary>Returns an error whose message starts with the current opcode and byte offset.</summary>
        private InvalidDataException Invalid(string problem) =>
            new($"{_opcodeName} at byte offset {_opcodeOffset} {problem}");

        private void Execute(Opcode opcode)
        {
            switch (opcode)
            {
                case Opcode.PROTO:
                    ReadProtocol();
                    break;
                case Opcode.FRAME:
                    // The frame's opcodes follow inline, so only its declared size needs a check.
                    if (input.ReadUInt64() > (ulong)input.Remaining)
                    {
                        throw new EndOfStreamException();
                    }

                    break;

                case Opcode.STRING:
                    PushQuotedString();
                    break;
                case Opcode.BINSTRING:
                    PushString(ReadSignedLength(), TextEncoding.Ascii);
                    break;
                case Opcode.SHORT_BINSTRING:
                    PushString(input.ReadByte(), TextEncoding.Ascii);
                    break;
                case Opcode.UNICODE:
                    PushRawUnicodeString();
                    break;
                case Opcode.SHORT_BINUNICODE:
                    PushString(input.ReadByte(), TextEncoding.Utf8);
                    break;
                case Opcode.BINUNICODE:
                    PushString(input.ReadUInt32(), TextEncoding.Utf8);
                    break;
                case Opcode.BINUNICODE8:
                    PushString(ReadUnsignedLength(), TextEncoding.Utf8);
                    break;

                case Opcode.SHORT_BINBYTES:
                case Opcode.LONG1:
                    SkipAndPushUnknown(input.ReadByte());
                    break;
                case Opcode.BINBYTES:
                    SkipAndPushUnknown(input.ReadUInt32());
                    break;
                case Opcode.LONG4:
                    SkipAndPushUnknown(ReadSignedLength());
                    break;
                case Opcode.BINBYTES8:
                case Opcode.BYTEARRAY8:
                    SkipAndPushUnknown(ReadUnsignedLength());
                    break;
                case Opcode.BININT1:
                case Opcode.EXT1:
                    SkipAndPushUnknown(1);
                    break;
                case Opcode.BININT2:
                case Opcode.EXT2:
                    SkipAndPushUnknown(2);
                    break;
                case Opcode.BININT:
                case Opcode.EXT4:
                    SkipAndPushUnknown(4);
                    break;
                case Opcode.BINFLOAT:
                    SkipAndPushUnknown(8);
                    break;
                case Opcode.INT:
                case Opcode.LONG:
                case Opcode.FLOAT:
                case Opcode.PERSID:
                    input.SkipLine();
                    PushUnknown();
                    break;
                case Opcode.NONE:
                case Opcode.NEWTRUE:
                case Opcode.NEWFALSE:
                case Opcode.EMPTY_LIST:
                case Opcode.EMPTY_TUPLE:
                case Opcode.EMPTY_DICT:
                case Opcode.EMPTY_SET:
                case Opcode.NEXT_BUFFER:
                    PushUnknown();
                    break;

                case Opcode.GLOBAL:
                    AddModule(ReadModuleLine(TextEncoding.Utf8));
                    input.SkipLine();
                    PushUnknown();
                    break;
                case Opcode.INST:
                    AddModule(ReadModuleLine(TextEncoding.Ascii));
                    input.SkipLine();
                    PopMark();
                    PushUnknown();
                    break;
                case Opcode.STACK_GLOBAL:
                    AddStackGlobalModule();
                    PushUnknown();
                    break;

                case Opcode.MEMOIZE:
                    StoreInMemo(MemoCount);
                    break;
                case Opcode.PUT:
                    StoreInMemo(ReadDecimalMemoKey());
                    break;
                case Opcode.BINPUT:
                    StoreInMemo(input.ReadByte());
                    break;
                case Opcode.LONG_BINPUT:
                    StoreInMemo(input.ReadUInt32());
                    break;
                case Opcode.GET:
                    PushFromMemo(ReadDecimalMemoKey());
                    break;
                case Opcode.BINGET:
                    PushFromMemo(input.ReadByte());
                    break;
                case Opcode.LONG_BINGET:
                    PushFromMemo(input.ReadUInt32());
                    break;

                case Opcode.MARK:
                    PushMark();
                    break;
                case Opcode.POP:
                    PopValueOrMark();
                    break;
                case Opcode.POP_MARK:
                    PopMark();
                    break;
                case Opcode.DUP:
                    Push(Peek());
                    break;

                // These replace the object they modify, such as a list, with an unknown value.
                case Opcode.APPEND:
                case Opcode.BUILD:
                    Pop(2);
                    PushUnknown();
                    break;
                case Opcode.SETITEM:
                    Pop(3);
                    PushUnknown();
                    break;
                case Opcode.APPENDS:
                case Opcode.SETITEMS:
                case Opcode.ADDITEMS:
                    PopMark();
                    Pop(1);
                    PushUnknown();
                    break;

                case Opcode.LIST:
                case Opcode.TUPLE:
                case Opcode.DICT:
                case Opcode.FROZENSET:
                    PopMark();
                    PushUnknown();
                    break;
                case Opcode.OBJ:
                    // The class is the first value above the MARK.
                    if (_marks.Count > 0 && _depth == _marks[^1])
                    {
                        throw Invalid("finds no class above the last MARK, so the pickle is invalid.");
                    }

                    PopMark();
                    PushUnknown();
                    break;
                case Opcode.TUPLE1:
                case Opcode.BINPERSID:
                case Opcode.READONLY_BUFFER:
                    Pop(1);
                    PushUnknown();
                    break;
                case Opcode.TUPLE2:
                case Opcode.REDUCE:
                case Opcode.NEWOBJ:
                    Pop(2);
                    PushUnknown();
                    break;
                case Opcode.TUPLE3:
                case Opcode.NEWOBJ_EX:
                    Pop(3);
                    PushUnknown();
                    break;

                default:
                    throw new InvalidOperationException($"The scanner has no case for the opcode {opcode}.");
            }
        }

        private void ReadProtocol()
        {
            var protocol = input.ReadByte();
            if (protocol > HighestProtocol)
            {
                throw Invalid(
                    $"declares protocol {protocol}, but the highest pickle protocol is {HighestProtocol}.");
            }

            _declaredProtocol = protocol;
        }

        /// <summary>Reads the signed 4-byte length of BINSTRING or LONG4, which must not be negative.</summary>
        private long ReadSignedLength()
        {
            var length = input.ReadInt32();
            if (length < 0)
            {
                throw Invalid($"has the negative length {length}, so the pickle is invalid.");
            }

            return length;
        }

        /// <summary>Reads an 8-byte length. A length beyond the end of the file means it is truncated.</summary>
        private long ReadUnsignedLength()
        {
            var length = input.ReadUInt64();
            if (length > (ulong)input.Remaining)
            {
                throw new EndOfStreamException();
            }

            return (long)length;
        }

        /// <summary>Reads a string payload and pushes it, or an unknown value when it is too long to track.</summary>
        private void PushString(long length, TextEncoding encoding)
        {
            if (length > MaxTrackedStringBytes)
            {
                input.Skip(length);
                PushUnknown();
                return;
            }

            Push(Decode(input.ReadSpan((int)length), encoding));
        }

        /// <summary>
        /// Reads STRING's quoted argument. The Unpickler decodes backslash escapes in it, which the scanner
        /// does not, so a string with a backslash is tracked as unknown.
        /// </summary>
        private void PushQuotedString()
        {
            if (!input.TryReadLine(MaxTrackedStringBytes + 2, out var line)
                || line.Length < 2
                || line[0] != line[^1]
                || line[0] is not ((byte)'"' or (byte)'\''))
            {
                PushUnknown();
                return;
            }

            var content = line[1..^1];
            Push(content.Contains((byte)'\\') ? null : Decode(content, TextEncoding.Ascii));
        }

        /// <summary>
        /// Reads UNICODE's raw-unicode-escape argument. Without a backslash, which starts a \u or \U escape,
        /// its bytes are Latin-1 characters.
        /// </summary>
        private void PushRawUnicodeString()
        {
            if (!input.TryReadLine(MaxTrackedStringBytes, out var line))
            {
                PushUnknown();
                return;
            }

            Push(line.Contains((byte)'\\') ? null : Decode(line, TextEncoding.Latin1));
        }

        private void SkipAndPushUnknown(long length)
        {
            input.Skip(length);
            PushUnknown();
        }

        /// <summary>Reads the module line of GLOBAL or INST, which the Unpickler decodes strictly.</summary>
        private string ReadModuleLine(TextEncoding encoding)
        {
            if (!input.TryReadLine(MaxTrackedStringBytes, out var line))
            {
                throw Invalid(
                    $"names a module longer than {MaxTrackedStringBytes} bytes, "
                    + "which the scanner does not accept.");
            }

            var encodingName = encoding == TextEncoding.Utf8 ? "UTF-8" : "ASCII";
            return Decode(line, encoding)
                ?? throw Invalid(
                    $"names a module that is not valid {encodingName}, so the Unpickler would reject it.");
        }

        private void AddStackGlobalModule()
        {
            var name = PopValue();
            var module = PopValue();
            if (module is null || name is null)
            {
                throw Invalid(
                    "takes its module or name from a stack value that is not a tracked string, so the scanner "
                    + "cannot tell which module it imports. Tracked strings are those of at most "
                    + $"{MaxTrackedStringBytes} bytes that a string opcode pushes or a memo get pushes back.");
            }

            AddModule(module);
        }

        private void AddModule(string module)
        {
            if (module.Length == 0)
            {
                throw Invalid("names an empty module, so the Unpickler would reject it.");
            }

            if (!_seenModules.Add(module))
            {
                return;
            }

            if (_modules.Count == MaxModules)
            {
                throw Invalid(
                    $"references a module beyond the first {MaxModules} distinct ones, which the scanner does not accept.");
            }

            _modules.Add(module);
        }

        /// <summary>Reads the decimal memo index of PUT or GET, which the Unpickler parses with int().</summary>
        private long ReadDecimalMemoKey()
        {
            // NOTE: int() also accepts underscores between digits, which long.TryParse rejects, so such a
            // pickle gets an error here although the Unpickler would read it.
            const NumberStyles Decimal =
                NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;
            if (!input.TryReadLine(MaxDecimalArgumentBytes, out var line)
                || !long.TryParse(line, Decimal, CultureInfo.InvariantCulture, out var key))
            {
                throw Invalid(
                    $"has an argument that is not a decimal integer of at most {MaxDecimalArgumentBytes} bytes.");
            }

            if (key < 0)
            {
                throw Invalid($"has the negative memo index {key}, so the pickle is invalid.");
            }

            return key;
        }

        private void StoreInMemo(long key)
        {
            var value = Peek();
            AddMemoKey(key);
            if (_memo.Remove(key, out var previous))
            {
                _memoBytes -= MemoCost(previous);
            }

            if (value is not null && _memoBytes + MemoCost(value) <= MemoBudgetBytes)
            {
                _memo[key] = value;
                _memoBytes += MemoCost(value);
            }
        }

        private void AddMemoKey(long key)
        {
            if (key < _contiguousMemoKeys)
            {
                return;
            }

            if (key == _contiguousMemoKeys)
            {
                _contiguousMemoKeys++;
                while (_outOfOrderMemoKeys.Count > 0 && _outOfOrderMemoKeys.Remove(_contiguousMemoKeys))
                {
                    _contiguousMemoKeys++;
                }

                return;
            }

            if (_outOfOrderMemoKeys.Add(key) && _outOfOrderMemoKeys.Count > MaxOutOfOrderMemoKeys)
            {
                throw Invalid(
                    $"stores more than {MaxOutOfOrderMemoKeys} memo keys out of order, "
                    + "which the scanner does not track.");
            }
        }

        private void PushFromMemo(long key)
        {
            if (key >= _contiguousMemoKeys && !_outOfOrderMemoKeys.Contains(key))
            {
                throw Invalid(
                    $"gets memo index {key}, which no earlier opcode stored, so the pickle is invalid.");
            }

            Push(_memo.GetValueOrDefault(key));
        }

        private void PushUnknown() => _depth++;

        /// <summary>Pushes a string, or a value of unknown type when <paramref name="value"/> is null.</summary>
        private void Push(string? value)
        {
            if (value is not null)
            {
                if (_stackStrings.Count == MaxStackStrings)
                {
                    _stackStrings.RemoveRange(0, MaxStackStrings / 2);
                }

                _stackStrings.Add((_depth, value));
            }

            _depth++;
        }

        /// <summary>Returns the top value without popping it, or null when its type is unknown.</summary>
        private string? Peek()
        {
            if (_depth <= Floor)
            {
                throw Invalid(StackUnderflow(1));
            }

            var topIsString = _stackStrings.Count > 0 && _stackStrings[^1].Position == _depth - 1;
            return topIsString ? _stackStrings[^1].Value : null;
        }

        private string? PopValue()
        {
            var value = Peek();
            Pop(1);
            return value;
        }

        private void Pop(int count)
        {
            if (_depth - count < Floor)
            {
                throw Invalid(StackUnderflow(count));
            }

            TruncateStack(_depth - count);
        }

        private string StackUnderflow(int count)
        {
            var values = count == 1 ? "1 value" : $"{count} values";
            return _marks.Count > 0
                ? $"pops {values}, but the stack contains {_depth - Floor} above the last MARK, "
                    + "so the pickle is invalid."
                : $"pops {values}, but the stack contains {_depth}, so the pickle is invalid.";
        }

        private void TruncateStack(long depth)
        {
            _depth = depth;
            while (_stackStrings.Count > 0 && _stackStrings[^1].Position >= depth)
            {
                _stackStrings.RemoveAt(_stackStrings.Count - 1);
            }
        }

        private void PushMark()
        {
            if (_marks.Count == MaxMarkDepth)
            {
                throw Invalid(
                    $"nests MARKs more than {MaxMarkDepth} deep, which the scanner does not accept.");
            }

            _marks.Add(_depth);
        }

        /// <summary>Pops the values above the last MARK and the MARK itself.</summary>
        private void PopMark()
        {
            if (_marks.Count == 0)
            {
                throw Invalid("pops to a MARK, but the stack contains no MARK, so the pickle is invalid.");
            }

            TruncateStack(_marks[^1]);
            _marks.RemoveAt(_marks.Count - 1);
        }

        /// <summary>Pops the top value, or the last MARK when no value is above it, as the Unpickler does.</summary>
        private void PopValueOrMark()
        {
            if (_marks.Count > 0 && _depth == _marks[^1])
            {
                _marks.RemoveAt(_marks.Count - 1);
                return;
            }

            Pop(1);
        }
    }

    /// <summary>
    /// Sequential reads from the stream through a fixed buffer, limited to the pickle's length. Reads past
    /// the end throw <see cref="EndOfStreamException"/>.
    /// </summary>
    private sealed class BufferedInput
    {
        private const int BufferSize = 64 * 1024;

        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[BufferSize];
        private byte[] _line = [];
        private int _next;
        private int _end;

        public BufferedInput(Stream stream, long length)
        {
            _stream = stream;
            Length = length;
            EndOffset = length;
            if (stream.CanSeek)
            {
                EndOffset = Math.Min(length, Math.Max(0, stream.Length - stream.Position));
            }
        }

        /// <summary>The length that the caller gave.</summary>
        public long Length { get; }

        /// <summary>The byte offset, from the stream's starting position, of the next unread byte.</summary>
        public long Offset { get; private set; }

        /// <summary>
        /// The byte offset where the data ends: the length, or less when the stream contains fewer bytes. A
        /// seekable stream's end is known from the start, any other's when a read returns nothing.
        /// </summary>
        public long EndOffset { get; private set; }

        public long Remaining => EndOffset - Offset;

        public bool TryReadByte(out byte value)
        {
            if (_next == _end && !TryFill(1))
            {
                value = 0;
                return false;
            }

            value = _buffer[_next++];
            Offset++;
            return true;
        }

        public byte ReadByte() => TryReadByte(out var value) ? value : throw new EndOfStreamException();

        public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadSpan(4));

        public uint ReadUInt32() => BinaryPrimitives.ReadUInt32LittleEndian(ReadSpan(4));

        public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadSpan(8));

        /// <summary>Returns the next bytes, valid until the next read. The count must fit in the buffer.</summary>
        public ReadOnlySpan<byte> ReadSpan(int count)
        {
            if (_end - _next < count && !TryFill(count))
            {
                throw new EndOfStreamException();
            }

            var span = _buffer.AsSpan(_next, count);
            _next += count;
            Offset += count;
            return span;
        }

        /// <summary>Moves past the next bytes, with Seek when the stream can seek.</summary>
        public void Skip(long count)
        {
            if (count > Remaining)
            {
                throw new EndOfStreamException();
            }

            var buffered = (int)Math.Min(count, _end - _next);
            _next += buffered;
            Offset += buffered;
            count -= buffered;
            if (count == 0)
            {
                return;
            }

            _next = 0;
            _end = 0;
            if (_stream.CanSeek)
            {
                _stream.Seek(count, SeekOrigin.Current);
                Offset += count;
                return;
            }

            while (count > 0)
            {
                var read = _stream.Read(_buffer, 0, (int)Math.Min(count, BufferSize));
                if (read == 0)
                {
                    EndOffset = Offset;
                    throw new EndOfStreamException();
                }

                Offset += read;
                count -= read;
            }
        }

        /// <summary>
        /// Reads through the next newline. Returns the bytes before it, valid until the next line read, or
        /// false when there are more than <paramref name="maxBytes"/> of them.
        /// </summary>
        public bool TryReadLine(int maxBytes, out ReadOnlySpan<byte> line)
        {
            if (_line.Length < maxBytes)
            {
                _line = new byte[maxBytes];
            }

            var kept = 0;
            var fits = true;
            while (true)
            {
                var foundNewline = NextLinePart(out var part);
                if (fits && kept + part.Length <= maxBytes)
                {
                    part.CopyTo(_line.AsSpan(kept));
                    kept += part.Length;
                }
                else
                {
                    fits = false;
                }

                if (foundNewline)
                {
                    line = fits ? _line.AsSpan(0, kept) : default;
                    return fits;
                }
            }
        }

        /// <summary>Reads through the next newline and discards the line, however long it is.</summary>
        public void SkipLine()
        {
            bool foundNewline;
            do
            {
                foundNewline = NextLinePart(out _);
            }
            while (!foundNewline);
        }

        /// <summary>
        /// Consumes the buffered bytes up to and including the next newline, or all of them when none is
        /// buffered, and returns whether it found the newline. The part excludes the newline.
        /// </summary>
        private bool NextLinePart(out ReadOnlySpan<byte> part)
        {
            if (_next == _end && !TryFill(1))
            {
                throw new EndOfStreamException();
            }

            var window = _buffer.AsSpan(_next, _end - _next);
            var newline = window.IndexOf((byte)'\n');
            var consumed = newline >= 0 ? newline + 1 : window.Length;
            _next += consumed;
            Offset += consumed;
            part = newline >= 0 ? window[..newline] : window;
            return newline >= 0;
        }

        /// <summary>Reads until <paramref name="count"/> bytes are buffered, never past the end offset.</summary>
        private bool TryFill(int count)
        {
            if (count > Remaining)
            {
                return false;
            }

            var buffered = _end - _next;
            if (_next > 0)
            {
                _buffer.AsSpan(_next, buffered).CopyTo(_buffer);
                _next = 0;
                _end = buffered;
            }

            while (_end < count)
            {
                var unbuffered = Remaining - _end;
                var read = _stream.Read(_buffer, _end, (int)Math.Min(BufferSize - _end, unbuffered));
                if (read == 0)
                {
                    EndOffset = Offset + _end;
                    return false;
                }

                _end += read;
            }

            return true;
        }
    }
}

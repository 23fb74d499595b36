using ModelUploads.Errors;

namespace ModelUploads.Gateway.Problems;

/// <summary>Rejections raised by the gateway itself, before any grain is called.</summary>
internal static class Problems
{
    public static ModelUploadsException Invalid(string title, string message) => new(ProblemKind.Invalid, title, message);
}

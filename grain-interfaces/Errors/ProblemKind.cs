namespace ModelUploads.Errors;

/// <summary>The class of a rejected request, which the gateway maps to an HTTP status.</summary>
public enum ProblemKind
{
    /// <summary>The request is malformed or names an unsupported value (400).</summary>
    Invalid = 0,

    /// <summary>The model, run or round does not exist (404).</summary>
    NotFound = 1,

    /// <summary>The request conflicts with the model's current state (409).</summary>
    Conflict = 2,

    /// <summary>A dependency such as the database or the engine is down (503).</summary>
    Unavailable = 3,

    /// <summary>The caller's account may not do this (403).</summary>
    Forbidden = 4,
}

using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleUpload as createComputePickleUpload returns it.</summary>
internal sealed class CreatedUploadType : ObjectGraphType<CreatedUpload>
{
    public CreatedUploadType()
    {
        Name = "CreatedComputePickleUpload";
        Field(upload => upload.Id);
    }
}

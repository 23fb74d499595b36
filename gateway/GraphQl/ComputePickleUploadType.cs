using GraphQL.Types;

namespace ModelUploads.Gateway.GraphQl;

/// <summary>The GraphQL type ComputePickleUpload of a model.</summary>
internal sealed class ComputePickleUploadType : ObjectGraphType<ComputePickleUpload>
{
    public ComputePickleUploadType()
    {
        Name = "ComputePickleUpload";
        Field(upload => upload.Filename);
        Field(upload => upload.ValidationStatus, nullable: true)
            .Description("The validation run's status in lower case; null when the upload has no validation run.");
        Field(upload => upload.TriggerStatus, nullable: true)
            .Description("The newest live run's status in lower case; null when no live run started.");
        Field<NonNullGraphType<ListGraphType<NonNullGraphType<TriggerType>>>>("triggers")
            .Description("The model's runs, newest first.")
            .Resolve(context => context.Source.Triggers);
    }
}

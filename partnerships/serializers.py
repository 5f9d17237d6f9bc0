"""API shapes of the registry. Serializers only check shape and types: the services validate."""

from __future__ import annotations

from typing import cast

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiSerializerExtension
from rest_framework import serializers

from .models import Agency, Membership, Partnership, Project
from .permissions import sees_contact_data

OFFICERS_ONLY = _("Officers only: absent from the answers to anyone else (managers).")


class ContactDataForOfficers:
    """Leaves `contact_fields` out of what it answers unless the requesting user
    `sees_contact_data`; without a request in its context it leaves them out too."""

    contact_fields: tuple[str, ...] = ()

    def to_representation(self, instance):
        data = super().to_representation(instance)  # type: ignore[misc]
        request = self.context.get("request")  # type: ignore[attr-defined]
        if request is None or not sees_contact_data(request.user):
            for name in self.contact_fields:
                data.pop(name, None)
        return data


class AgencySerializer(ContactDataForOfficers, serializers.ModelSerializer):
    contact_fields = ("contact_name", "email", "phone", "contact_language")
    n_partnerships = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "agency_type",
            "contact_name",
            "email",
            "phone",
            "contact_language",
            "active",
            "n_partnerships",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "n_partnerships", "created_at", "updated_at"]
        extra_kwargs = {
            "contact_name": {"help_text": OFFICERS_ONLY},
            "email": {"help_text": OFFICERS_ONLY},
            "phone": {"help_text": OFFICERS_ONLY},
            "contact_language": {"help_text": OFFICERS_ONLY},
        }
        # The name is unique within an authority: the service checks it (full_clean), so the
        # serializer must not add a validator of its own that knows nothing of the authority.
        validators: list = []


class PartnershipSerializer(serializers.ModelSerializer):
    n_agencies = serializers.IntegerField(read_only=True, required=False)
    n_projects = serializers.IntegerField(read_only=True, required=False)
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_(
            "The version this edit is based on. Required to change a partnership: an edit "
            "based on an older version is refused with 409."
        ),
    )

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "programme",
            "level",
            "description",
            "start_date",
            "active",
            "version",
            "n_agencies",
            "n_projects",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "active", "n_agencies", "n_projects", "created_at", "updated_at"]
        validators: list = []


class PartnershipEditSerializer(PartnershipSerializer):
    """The schema of an edit (PUT and PATCH): the version it is based on is required."""

    version = serializers.IntegerField(
        min_value=1,
        help_text=_(
            "The version this edit is based on (the partnership's current version). An edit "
            "based on an older version is refused with 409."
        ),
    )


class PartnershipEditSchema(OpenApiSerializerExtension):
    """Keeps `version` required in the PATCH body too: the API refuses an edit without it,
    partial or not (drf-spectacular makes every field of a PATCH body optional)."""

    target_class = PartnershipEditSerializer

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["required"] = sorted({*schema.get("required", []), "version"})
        return schema


class MembershipSerializer(serializers.ModelSerializer):
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.none(),
        help_text=_(
            "The agency. One to add is an active agency of the authority that is not and has "
            "never been a member of this partnership."
        ),
    )
    agency_name = serializers.CharField(source="agency.name", read_only=True)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Membership
        fields = [
            "id",
            "agency",
            "agency_name",
            "role",
            "joined_on",
            "left_on",
            "is_current",
        ]
        read_only_fields = ["id", "left_on", "is_current"]
        validators: list = []

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is not None:
            # Only the requester's own agencies can be chosen: any other id is "invalid".
            cast(serializers.RelatedField, self.fields["agency"]).queryset = agencies


class ProjectSerializer(serializers.ModelSerializer):
    partnership = serializers.PrimaryKeyRelatedField(queryset=Partnership.objects.none())

    class Meta:
        model = Project
        fields = [
            "id",
            "partnership",
            "name",
            "target_group",
            "description",
            "active",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "active", "created_at", "updated_at"]
        validators: list = []

    def __init__(self, *args, partnerships=None, **kwargs):
        super().__init__(*args, **kwargs)
        if partnerships is not None:
            cast(serializers.RelatedField, self.fields["partnership"]).queryset = partnerships
        if self.instance is not None:
            # A project never moves to another partnership.
            self.fields["partnership"].read_only = True


class ProjectEditSerializer(ProjectSerializer):
    """The schema of an edit (PUT and PATCH): a project never moves to another partnership."""

    partnership = serializers.PrimaryKeyRelatedField(read_only=True)

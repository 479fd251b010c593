"""The profile's API tokens page: create (the token is shown once), list, revoke."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_ratelimit.decorators import ratelimit

from .forms import ApiTokenForm
from .models import ApiToken
from .services import TokenError, api_token_create, api_token_revoke


@login_required
@ratelimit(key="user", rate="20/h", method="POST", block=True)
def api_tokens(request):
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, raw = api_token_create(
                user=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except TokenError as error:
            form.add_error(None, error.message)
        else:
            created = {"token": token, "raw": raw}
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user, revoked_at__isnull=True)
    response = render(
        request, "api/tokens.html", {"form": form, "tokens": tokens, "created": created}
    )
    response["Cache-Control"] = "no-store"  # the page may carry a raw token
    return response


@login_required
@require_POST
def api_token_revoke_view(request, token_id: int):
    token = api_token_revoke(user=request.user, token_id=token_id)
    if token is None:
        raise Http404
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("api_tokens")

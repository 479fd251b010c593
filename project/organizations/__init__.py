"""Organizations (organizers and sellers), their members, and the one scoping rule every
organizer view, query and socket uses: a member sees only their organizations' data."""

"""The people one community's records are made for, as the generator remembers them."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date


@dataclass
class Person:
    id: int
    name: str
    birth_date: date | None
    needs_care: bool
    address: str
    phone: str | None = None


@dataclass
class CommunityPeople:
    community_id: int
    staff: Person
    operators: list[Person]
    volunteers: list[Person]
    patrollers: list[Person]
    officers: dict[str, Person]
    residents: list[Person]  # everyone, including the people above
    diners: list[Person] = field(default_factory=list)
    bench: dict[str, Person] = field(default_factory=dict)

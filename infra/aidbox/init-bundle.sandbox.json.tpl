{
  "resourceType": "Bundle",
  "type": "transaction",
  "entry": [
    {
      "request": {
        "method": "DELETE",
        "url": "/AccessPolicy/portal-provisioner-clients"
      }
    },
    {
      "request": {
        "method": "DELETE",
        "url": "/AccessPolicy/portal-provisioner-organizations"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Client/portal-provisioner"
      },
      "resource": {
        "resourceType": "Client",
        "id": "portal-provisioner",
        "description": "The portal's provisioner (HTTP Basic): writes the portal's own backend service Clients (bs-<32 hex>) and their AccessPolicies, nothing else. infra/aidbox/NOTES.md explains its policies.",
        "active": true,
        "secret": "${PORTAL_PROVISIONER_SECRET}",
        "grant_types": [
          "basic"
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-read-and-delete-portal-clients"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-read-and-delete-portal-clients",
        "description": "The provisioner reads and deletes the portal's Clients (bs-<32 hex>) and their policies (bs-<32 hex>-policy), by id only.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": {
            "$enum": [
              "get",
              "delete"
            ]
          },
          "uri": "#^/(Client/bs-[0-9a-f]{32}|AccessPolicy/bs-[0-9a-f]{32}-policy)$"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-write-portal-clients"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-write-portal-clients",
        "description": "The provisioner creates, replaces and merge-patches the portal's Clients (bs-<32 hex>), only as client_credentials clients: no other grant, no type, no trust flags, no policy references, no other issuers.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-provisioner"
          },
          "request-method": {
            "$enum": [
              "put",
              "patch"
            ]
          },
          "uri": "#^/Client/bs-[0-9a-f]{32}$",
          "body": {
            "id": {
              "$one-of": [
                "nil?",
                "#^bs-[0-9a-f]{32}$"
              ]
            },
            "grant_types": {
              "$one-of": [
                "nil?",
                {
                  "$every": "client_credentials"
                }
              ]
            },
            "type": "nil?",
            "trusted": "nil?",
            "first_party": "nil?",
            "scopes": "nil?",
            "allowed-scopes": "nil?",
            "allowedIssuers": "nil?"
          }
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-provisioner-write-portal-client-policies"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-provisioner-write-portal-client-policies",
        "description": "The provisioner creates and replaces the AccessPolicy of one of the portal's Clients (bs-<32 hex>-policy): a matcho policy linked to the portal's Clients only, never global, never another engine.",
        "engine": "complex",
        "link": [
          {
            "reference": "Client/portal-provisioner"
          }
        ],
        "and": [
          {
            "engine": "matcho",
            "matcho": {
              "client": {
                "id": "portal-provisioner"
              },
              "request-method": "put",
              "uri": "#^/AccessPolicy/bs-[0-9a-f]{32}-policy$",
              "body": {
                "id": {
                  "$one-of": [
                    "nil?",
                    "#^bs-[0-9a-f]{32}-policy$"
                  ]
                },
                "engine": "matcho",
                "matcho": "present?",
                "link": {
                  "$every": {
                    "resourceType": "Client",
                    "id": "#^bs-[0-9a-f]{32}$",
                    "reference": "nil?"
                  }
                },
                "type": "nil?",
                "roleName": "nil?",
                "sql": "nil?",
                "schema": "nil?",
                "clj": "nil?",
                "rpc": "nil?",
                "and": "nil?",
                "or": "nil?",
                "module": "nil?"
              }
            }
          },
          {
            "engine": "matcho",
            "matcho": {
              "body": {
                "link": [
                  {
                    "resourceType": "Client",
                    "id": "#^bs-[0-9a-f]{32}$"
                  }
                ]
              }
            }
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Client/portal-reader"
      },
      "resource": {
        "resourceType": "Client",
        "id": "portal-reader",
        "description": "The portal's registration service (HTTP Basic): reads Organizations, nothing else.",
        "active": true,
        "secret": "${PORTAL_READER_SECRET}",
        "grant_types": [
          "basic"
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/AccessPolicy/as-portal-reader-read-organizations"
      },
      "resource": {
        "resourceType": "AccessPolicy",
        "id": "as-portal-reader-read-organizations",
        "description": "The registration service lists and reads Organizations at the server root, paging with _count and _page only: no _include, _revinclude, _has or any other parameter that reaches other resources.",
        "engine": "matcho",
        "link": [
          {
            "reference": "Client/portal-reader"
          }
        ],
        "matcho": {
          "client": {
            "id": "portal-reader"
          },
          "request-method": "get",
          "uri": "#^/Organization(/[A-Za-z0-9.-]{1,64})?$",
          "query-string": {
            "$one-of": [
              "nil?",
              "#^(_(count|page)=[0-9]{1,6}(&_(count|page)=[0-9]{1,6})*)?$"
            ]
          },
          "params": {
            "_include": "nil?",
            "_revinclude": "nil?",
            "_has": "nil?",
            "_with": "nil?",
            "_assoc": "nil?"
          }
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-acme-health"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-acme-health",
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "1000000001"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Acme Health Plan"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-acme-health-east"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-acme-health-east",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "partOf": {
          "reference": "Organization/org-acme-health"
        },
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "1000000002"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Acme Health Plan East"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Organization/org-beacon-mutual"
      },
      "resource": {
        "resourceType": "Organization",
        "id": "org-beacon-mutual",
        "active": true,
        "identifier": [
          {
            "system": "http://hl7.org/fhir/sid/us-npi",
            "value": "2000000001"
          }
        ],
        "type": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/organization-type",
                "code": "pay",
                "display": "Payer"
              }
            ]
          }
        ],
        "name": "Beacon Mutual Insurance"
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Practitioner/org-acme-health-practitioner"
      },
      "resource": {
        "resourceType": "Practitioner",
        "id": "org-acme-health-practitioner",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "active": true,
        "name": [
          {
            "family": "Rivera",
            "given": [
              "Jordan"
            ],
            "prefix": [
              "Dr."
            ]
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Practitioner/org-beacon-mutual-practitioner"
      },
      "resource": {
        "resourceType": "Practitioner",
        "id": "org-beacon-mutual-practitioner",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "active": true,
        "name": [
          {
            "family": "Rivera",
            "given": [
              "Jordan"
            ],
            "prefix": [
              "Dr."
            ]
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Patient/test-pt-1"
      },
      "resource": {
        "resourceType": "Patient",
        "id": "test-pt-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "identifier": [
          {
            "system": "https://payerbox.example/member-id",
            "value": "M-TEST-PT-1"
          }
        ],
        "active": true,
        "name": [
          {
            "use": "official",
            "family": "Shaw",
            "given": [
              "Amy"
            ]
          }
        ],
        "gender": "female",
        "birthDate": "1987-02-20",
        "managingOrganization": {
          "reference": "Organization/org-acme-health"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Coverage/cov-test-pt-1"
      },
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-test-pt-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "subscriberId": "M-TEST-PT-1",
        "subscriber": {
          "reference": "Patient/test-pt-1"
        },
        "beneficiary": {
          "reference": "Patient/test-pt-1"
        },
        "relationship": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
              "code": "self"
            }
          ]
        },
        "period": {
          "start": "2024-01-01",
          "end": "2026-12-31"
        },
        "payor": [
          {
            "reference": "Organization/org-acme-health"
          }
        ],
        "class": [
          {
            "type": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                  "code": "plan"
                }
              ]
            },
            "value": "ACME-GOLD-PPO",
            "name": "Acme Gold PPO"
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Claim/claim-test-pt-1-1"
      },
      "resource": {
        "resourceType": "Claim",
        "id": "claim-test-pt-1-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-1"
        },
        "created": "2025-03-11T09:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "priority": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/processpriority",
              "code": "normal"
            }
          ]
        },
        "insurance": [
          {
            "sequence": 1,
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-1"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": {
          "value": 145,
          "currency": "USD"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/ExplanationOfBenefit/eob-test-pt-1-1"
      },
      "resource": {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-test-pt-1-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-1"
        },
        "created": "2025-03-14T10:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "outcome": "complete",
        "insurance": [
          {
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-1"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": [
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "submitted"
                }
              ]
            },
            "amount": {
              "value": 145,
              "currency": "USD"
            }
          },
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "benefit"
                }
              ]
            },
            "amount": {
              "value": 116,
              "currency": "USD"
            }
          }
        ],
        "payment": {
          "amount": {
            "value": 116,
            "currency": "USD"
          },
          "date": "2025-03-28"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Encounter/enc-test-pt-1-1"
      },
      "resource": {
        "resourceType": "Encounter",
        "id": "enc-test-pt-1-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "finished",
        "class": {
          "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
          "code": "AMB",
          "display": "ambulatory"
        },
        "type": [
          {
            "coding": [
              {
                "system": "http://snomed.info/sct",
                "code": "185349003",
                "display": "Encounter for check up"
              }
            ]
          }
        ],
        "subject": {
          "reference": "Patient/test-pt-1"
        },
        "period": {
          "start": "2025-03-10T09:00:00Z",
          "end": "2025-03-10T09:30:00Z"
        },
        "serviceProvider": {
          "reference": "Organization/org-acme-health"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Observation/obs-test-pt-1-a1c"
      },
      "resource": {
        "resourceType": "Observation",
        "id": "obs-test-pt-1-a1c",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "final",
        "category": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
              }
            ]
          }
        ],
        "code": {
          "coding": [
            {
              "system": "http://loinc.org",
              "code": "4548-4",
              "display": "Hemoglobin A1c/Hemoglobin.total in Blood"
            }
          ]
        },
        "subject": {
          "reference": "Patient/test-pt-1"
        },
        "effectiveDateTime": "2025-02-02T08:30:00Z",
        "valueQuantity": {
          "value": 5.4,
          "unit": "%",
          "system": "http://unitsofmeasure.org",
          "code": "%"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Patient/test-pt-2"
      },
      "resource": {
        "resourceType": "Patient",
        "id": "test-pt-2",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "identifier": [
          {
            "system": "https://payerbox.example/member-id",
            "value": "M-TEST-PT-2"
          }
        ],
        "active": true,
        "name": [
          {
            "use": "official",
            "family": "Nguyen",
            "given": [
              "Daniel"
            ]
          }
        ],
        "gender": "male",
        "birthDate": "1975-11-03",
        "managingOrganization": {
          "reference": "Organization/org-acme-health"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Coverage/cov-test-pt-2"
      },
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-test-pt-2",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "subscriberId": "M-TEST-PT-2",
        "subscriber": {
          "reference": "Patient/test-pt-2"
        },
        "beneficiary": {
          "reference": "Patient/test-pt-2"
        },
        "relationship": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
              "code": "self"
            }
          ]
        },
        "period": {
          "start": "2024-01-01",
          "end": "2026-12-31"
        },
        "payor": [
          {
            "reference": "Organization/org-acme-health"
          }
        ],
        "class": [
          {
            "type": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                  "code": "plan"
                }
              ]
            },
            "value": "ACME-SILVER-HMO",
            "name": "Acme Silver HMO"
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Claim/claim-test-pt-2-1"
      },
      "resource": {
        "resourceType": "Claim",
        "id": "claim-test-pt-2-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-2"
        },
        "created": "2025-03-11T09:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "priority": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/processpriority",
              "code": "normal"
            }
          ]
        },
        "insurance": [
          {
            "sequence": 1,
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-2"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": {
          "value": 145,
          "currency": "USD"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/ExplanationOfBenefit/eob-test-pt-2-1"
      },
      "resource": {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-test-pt-2-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-2"
        },
        "created": "2025-03-14T10:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "outcome": "complete",
        "insurance": [
          {
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-2"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": [
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "submitted"
                }
              ]
            },
            "amount": {
              "value": 145,
              "currency": "USD"
            }
          },
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "benefit"
                }
              ]
            },
            "amount": {
              "value": 116,
              "currency": "USD"
            }
          }
        ],
        "payment": {
          "amount": {
            "value": 116,
            "currency": "USD"
          },
          "date": "2025-03-28"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Encounter/enc-test-pt-2-1"
      },
      "resource": {
        "resourceType": "Encounter",
        "id": "enc-test-pt-2-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "finished",
        "class": {
          "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
          "code": "AMB",
          "display": "ambulatory"
        },
        "type": [
          {
            "coding": [
              {
                "system": "http://snomed.info/sct",
                "code": "185349003",
                "display": "Encounter for check up"
              }
            ]
          }
        ],
        "subject": {
          "reference": "Patient/test-pt-2"
        },
        "period": {
          "start": "2025-03-10T09:00:00Z",
          "end": "2025-03-10T09:30:00Z"
        },
        "serviceProvider": {
          "reference": "Organization/org-acme-health"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Observation/obs-test-pt-2-a1c"
      },
      "resource": {
        "resourceType": "Observation",
        "id": "obs-test-pt-2-a1c",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health"
              }
            }
          ]
        },
        "status": "final",
        "category": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
              }
            ]
          }
        ],
        "code": {
          "coding": [
            {
              "system": "http://loinc.org",
              "code": "4548-4",
              "display": "Hemoglobin A1c/Hemoglobin.total in Blood"
            }
          ]
        },
        "subject": {
          "reference": "Patient/test-pt-2"
        },
        "effectiveDateTime": "2025-02-02T08:30:00Z",
        "valueQuantity": {
          "value": 5.4,
          "unit": "%",
          "system": "http://unitsofmeasure.org",
          "code": "%"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Patient/test-pt-3"
      },
      "resource": {
        "resourceType": "Patient",
        "id": "test-pt-3",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "identifier": [
          {
            "system": "https://payerbox.example/member-id",
            "value": "M-TEST-PT-3"
          }
        ],
        "active": true,
        "name": [
          {
            "use": "official",
            "family": "Okafor",
            "given": [
              "Grace"
            ]
          }
        ],
        "gender": "female",
        "birthDate": "1992-06-14",
        "managingOrganization": {
          "reference": "Organization/org-acme-health-east"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Coverage/cov-test-pt-3"
      },
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-test-pt-3",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "status": "active",
        "subscriberId": "M-TEST-PT-3",
        "subscriber": {
          "reference": "Patient/test-pt-3"
        },
        "beneficiary": {
          "reference": "Patient/test-pt-3"
        },
        "relationship": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
              "code": "self"
            }
          ]
        },
        "period": {
          "start": "2024-01-01",
          "end": "2026-12-31"
        },
        "payor": [
          {
            "reference": "Organization/org-acme-health"
          }
        ],
        "class": [
          {
            "type": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                  "code": "plan"
                }
              ]
            },
            "value": "ACME-EAST-BRONZE",
            "name": "Acme East Bronze"
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Claim/claim-test-pt-3-1"
      },
      "resource": {
        "resourceType": "Claim",
        "id": "claim-test-pt-3-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-3"
        },
        "created": "2025-03-11T09:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "priority": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/processpriority",
              "code": "normal"
            }
          ]
        },
        "insurance": [
          {
            "sequence": 1,
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-3"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": {
          "value": 145,
          "currency": "USD"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/ExplanationOfBenefit/eob-test-pt-3-1"
      },
      "resource": {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-test-pt-3-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-3"
        },
        "created": "2025-03-14T10:00:00Z",
        "insurer": {
          "reference": "Organization/org-acme-health"
        },
        "provider": {
          "reference": "Practitioner/org-acme-health-practitioner"
        },
        "outcome": "complete",
        "insurance": [
          {
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-3"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": [
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "submitted"
                }
              ]
            },
            "amount": {
              "value": 145,
              "currency": "USD"
            }
          },
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "benefit"
                }
              ]
            },
            "amount": {
              "value": 116,
              "currency": "USD"
            }
          }
        ],
        "payment": {
          "amount": {
            "value": 116,
            "currency": "USD"
          },
          "date": "2025-03-28"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Encounter/enc-test-pt-3-1"
      },
      "resource": {
        "resourceType": "Encounter",
        "id": "enc-test-pt-3-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "status": "finished",
        "class": {
          "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
          "code": "AMB",
          "display": "ambulatory"
        },
        "type": [
          {
            "coding": [
              {
                "system": "http://snomed.info/sct",
                "code": "185349003",
                "display": "Encounter for check up"
              }
            ]
          }
        ],
        "subject": {
          "reference": "Patient/test-pt-3"
        },
        "period": {
          "start": "2025-03-10T09:00:00Z",
          "end": "2025-03-10T09:30:00Z"
        },
        "serviceProvider": {
          "reference": "Organization/org-acme-health"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Observation/obs-test-pt-3-a1c"
      },
      "resource": {
        "resourceType": "Observation",
        "id": "obs-test-pt-3-a1c",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "status": "final",
        "category": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
              }
            ]
          }
        ],
        "code": {
          "coding": [
            {
              "system": "http://loinc.org",
              "code": "4548-4",
              "display": "Hemoglobin A1c/Hemoglobin.total in Blood"
            }
          ]
        },
        "subject": {
          "reference": "Patient/test-pt-3"
        },
        "effectiveDateTime": "2025-02-02T08:30:00Z",
        "valueQuantity": {
          "value": 5.4,
          "unit": "%",
          "system": "http://unitsofmeasure.org",
          "code": "%"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Patient/test-pt-4"
      },
      "resource": {
        "resourceType": "Patient",
        "id": "test-pt-4",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "identifier": [
          {
            "system": "https://payerbox.example/member-id",
            "value": "M-TEST-PT-4"
          }
        ],
        "active": true,
        "name": [
          {
            "use": "official",
            "family": "Lindqvist",
            "given": [
              "Erik"
            ]
          }
        ],
        "gender": "male",
        "birthDate": "1961-09-30",
        "managingOrganization": {
          "reference": "Organization/org-beacon-mutual"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Coverage/cov-test-pt-4"
      },
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-test-pt-4",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "subscriberId": "M-TEST-PT-4",
        "subscriber": {
          "reference": "Patient/test-pt-4"
        },
        "beneficiary": {
          "reference": "Patient/test-pt-4"
        },
        "relationship": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
              "code": "self"
            }
          ]
        },
        "period": {
          "start": "2024-01-01",
          "end": "2026-12-31"
        },
        "payor": [
          {
            "reference": "Organization/org-beacon-mutual"
          }
        ],
        "class": [
          {
            "type": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                  "code": "plan"
                }
              ]
            },
            "value": "BEACON-MEDICARE-ADVANTAGE",
            "name": "Beacon Medicare Advantage"
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Claim/claim-test-pt-4-1"
      },
      "resource": {
        "resourceType": "Claim",
        "id": "claim-test-pt-4-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-4"
        },
        "created": "2025-03-11T09:00:00Z",
        "insurer": {
          "reference": "Organization/org-beacon-mutual"
        },
        "provider": {
          "reference": "Practitioner/org-beacon-mutual-practitioner"
        },
        "priority": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/processpriority",
              "code": "normal"
            }
          ]
        },
        "insurance": [
          {
            "sequence": 1,
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-4"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": {
          "value": 145,
          "currency": "USD"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/ExplanationOfBenefit/eob-test-pt-4-1"
      },
      "resource": {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-test-pt-4-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-4"
        },
        "created": "2025-03-14T10:00:00Z",
        "insurer": {
          "reference": "Organization/org-beacon-mutual"
        },
        "provider": {
          "reference": "Practitioner/org-beacon-mutual-practitioner"
        },
        "outcome": "complete",
        "insurance": [
          {
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-4"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": [
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "submitted"
                }
              ]
            },
            "amount": {
              "value": 145,
              "currency": "USD"
            }
          },
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "benefit"
                }
              ]
            },
            "amount": {
              "value": 116,
              "currency": "USD"
            }
          }
        ],
        "payment": {
          "amount": {
            "value": 116,
            "currency": "USD"
          },
          "date": "2025-03-28"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Encounter/enc-test-pt-4-1"
      },
      "resource": {
        "resourceType": "Encounter",
        "id": "enc-test-pt-4-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "finished",
        "class": {
          "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
          "code": "AMB",
          "display": "ambulatory"
        },
        "type": [
          {
            "coding": [
              {
                "system": "http://snomed.info/sct",
                "code": "185349003",
                "display": "Encounter for check up"
              }
            ]
          }
        ],
        "subject": {
          "reference": "Patient/test-pt-4"
        },
        "period": {
          "start": "2025-03-10T09:00:00Z",
          "end": "2025-03-10T09:30:00Z"
        },
        "serviceProvider": {
          "reference": "Organization/org-beacon-mutual"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Observation/obs-test-pt-4-a1c"
      },
      "resource": {
        "resourceType": "Observation",
        "id": "obs-test-pt-4-a1c",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "final",
        "category": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
              }
            ]
          }
        ],
        "code": {
          "coding": [
            {
              "system": "http://loinc.org",
              "code": "4548-4",
              "display": "Hemoglobin A1c/Hemoglobin.total in Blood"
            }
          ]
        },
        "subject": {
          "reference": "Patient/test-pt-4"
        },
        "effectiveDateTime": "2025-02-02T08:30:00Z",
        "valueQuantity": {
          "value": 5.4,
          "unit": "%",
          "system": "http://unitsofmeasure.org",
          "code": "%"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Patient/test-pt-5"
      },
      "resource": {
        "resourceType": "Patient",
        "id": "test-pt-5",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "identifier": [
          {
            "system": "https://payerbox.example/member-id",
            "value": "M-TEST-PT-5"
          }
        ],
        "active": true,
        "name": [
          {
            "use": "official",
            "family": "Alvarez",
            "given": [
              "Sofia"
            ]
          }
        ],
        "gender": "female",
        "birthDate": "2001-01-08",
        "managingOrganization": {
          "reference": "Organization/org-beacon-mutual"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Coverage/cov-test-pt-5"
      },
      "resource": {
        "resourceType": "Coverage",
        "id": "cov-test-pt-5",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "subscriberId": "M-TEST-PT-5",
        "subscriber": {
          "reference": "Patient/test-pt-5"
        },
        "beneficiary": {
          "reference": "Patient/test-pt-5"
        },
        "relationship": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/subscriber-relationship",
              "code": "self"
            }
          ]
        },
        "period": {
          "start": "2024-01-01",
          "end": "2026-12-31"
        },
        "payor": [
          {
            "reference": "Organization/org-beacon-mutual"
          }
        ],
        "class": [
          {
            "type": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/coverage-class",
                  "code": "plan"
                }
              ]
            },
            "value": "BEACON-INDIVIDUAL",
            "name": "Beacon Individual"
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Claim/claim-test-pt-5-1"
      },
      "resource": {
        "resourceType": "Claim",
        "id": "claim-test-pt-5-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-5"
        },
        "created": "2025-03-11T09:00:00Z",
        "insurer": {
          "reference": "Organization/org-beacon-mutual"
        },
        "provider": {
          "reference": "Practitioner/org-beacon-mutual-practitioner"
        },
        "priority": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/processpriority",
              "code": "normal"
            }
          ]
        },
        "insurance": [
          {
            "sequence": 1,
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-5"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": {
          "value": 145,
          "currency": "USD"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/ExplanationOfBenefit/eob-test-pt-5-1"
      },
      "resource": {
        "resourceType": "ExplanationOfBenefit",
        "id": "eob-test-pt-5-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "active",
        "type": {
          "coding": [
            {
              "system": "http://terminology.hl7.org/CodeSystem/claim-type",
              "code": "professional"
            }
          ]
        },
        "use": "claim",
        "patient": {
          "reference": "Patient/test-pt-5"
        },
        "created": "2025-03-14T10:00:00Z",
        "insurer": {
          "reference": "Organization/org-beacon-mutual"
        },
        "provider": {
          "reference": "Practitioner/org-beacon-mutual-practitioner"
        },
        "outcome": "complete",
        "insurance": [
          {
            "focal": true,
            "coverage": {
              "reference": "Coverage/cov-test-pt-5"
            }
          }
        ],
        "item": [
          {
            "sequence": 1,
            "productOrService": {
              "coding": [
                {
                  "system": "http://www.ama-assn.org/go/cpt",
                  "code": "99213"
                }
              ]
            },
            "servicedDate": "2025-03-10",
            "net": {
              "value": 145,
              "currency": "USD"
            }
          }
        ],
        "total": [
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "submitted"
                }
              ]
            },
            "amount": {
              "value": 145,
              "currency": "USD"
            }
          },
          {
            "category": {
              "coding": [
                {
                  "system": "http://terminology.hl7.org/CodeSystem/adjudication",
                  "code": "benefit"
                }
              ]
            },
            "amount": {
              "value": 116,
              "currency": "USD"
            }
          }
        ],
        "payment": {
          "amount": {
            "value": 116,
            "currency": "USD"
          },
          "date": "2025-03-28"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Encounter/enc-test-pt-5-1"
      },
      "resource": {
        "resourceType": "Encounter",
        "id": "enc-test-pt-5-1",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "finished",
        "class": {
          "system": "http://terminology.hl7.org/CodeSystem/v3-ActCode",
          "code": "AMB",
          "display": "ambulatory"
        },
        "type": [
          {
            "coding": [
              {
                "system": "http://snomed.info/sct",
                "code": "185349003",
                "display": "Encounter for check up"
              }
            ]
          }
        ],
        "subject": {
          "reference": "Patient/test-pt-5"
        },
        "period": {
          "start": "2025-03-10T09:00:00Z",
          "end": "2025-03-10T09:30:00Z"
        },
        "serviceProvider": {
          "reference": "Organization/org-beacon-mutual"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Observation/obs-test-pt-5-a1c"
      },
      "resource": {
        "resourceType": "Observation",
        "id": "obs-test-pt-5-a1c",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-beacon-mutual"
              }
            }
          ]
        },
        "status": "final",
        "category": [
          {
            "coding": [
              {
                "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                "code": "laboratory"
              }
            ]
          }
        ],
        "code": {
          "coding": [
            {
              "system": "http://loinc.org",
              "code": "4548-4",
              "display": "Hemoglobin A1c/Hemoglobin.total in Blood"
            }
          ]
        },
        "subject": {
          "reference": "Patient/test-pt-5"
        },
        "effectiveDateTime": "2025-02-02T08:30:00Z",
        "valueQuantity": {
          "value": 5.4,
          "unit": "%",
          "system": "http://unitsofmeasure.org",
          "code": "%"
        }
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Group/group-all-members"
      },
      "resource": {
        "resourceType": "Group",
        "id": "group-all-members",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-resource-mode",
              "valueString": "system-shared"
            }
          ]
        },
        "type": "person",
        "actual": true,
        "name": "All members",
        "quantity": 5,
        "member": [
          {
            "entity": {
              "reference": "Patient/test-pt-1"
            }
          },
          {
            "entity": {
              "reference": "Patient/test-pt-2"
            }
          },
          {
            "entity": {
              "reference": "Patient/test-pt-3"
            }
          },
          {
            "entity": {
              "reference": "Patient/test-pt-4"
            }
          },
          {
            "entity": {
              "reference": "Patient/test-pt-5"
            }
          }
        ]
      }
    },
    {
      "request": {
        "method": "PUT",
        "url": "/Group/group-east-members"
      },
      "resource": {
        "resourceType": "Group",
        "id": "group-east-members",
        "meta": {
          "extension": [
            {
              "url": "https://aidbox.app/tenant-organization-id",
              "valueReference": {
                "reference": "Organization/org-acme-health-east"
              }
            }
          ]
        },
        "type": "person",
        "actual": true,
        "name": "Members of Acme Health Plan East",
        "quantity": 1,
        "member": [
          {
            "entity": {
              "reference": "Patient/test-pt-3"
            }
          }
        ]
      }
    }
  ]
}
